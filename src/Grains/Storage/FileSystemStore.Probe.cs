namespace Orleans.Uploads.Grains.Storage;

/// <summary><see cref="IStorageProbe"/>: writes and deletes a small file in each directory.</summary>
public sealed partial class FileSystemStore
{
    public async Task<StorageRoom> ProbeAsync(CancellationToken cancellationToken = default)
    {
        foreach (var directory in new[] { _tempDirectory, _finalDirectory })
        {
            var probe = Path.Combine(directory, $".probe-{Guid.NewGuid():N}");
            try
            {
                await File.WriteAllBytesAsync(probe, [1], cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // On a full disk the file is created and then its byte fails to land: /health runs every few seconds,
                // so a probe that left its file behind then would litter the directory exactly when space is short.
                File.Delete(probe);
            }
        }

        return new StorageRoom(_floor.FreeBytesNow(), _floor.FloorBytes);
    }
}
