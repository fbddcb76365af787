namespace Orleans.Uploads.Grains.Storage;

/// <summary><see cref="IStorageProbe"/>: writes and deletes a small file in each directory.</summary>
public sealed partial class FileSystemStore
{
    public async Task ProbeAsync(CancellationToken cancellationToken = default)
    {
        foreach (var directory in new[] { _tempDirectory, _finalDirectory })
        {
            var probe = Path.Combine(directory, $".probe-{Guid.NewGuid():N}");
            await File.WriteAllBytesAsync(probe, [1], cancellationToken).ConfigureAwait(false);
            File.Delete(probe);
        }
    }
}
