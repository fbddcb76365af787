namespace Orleans.Uploads.Grains.Storage;

/// <summary><see cref="IVideoStore"/>: finished videos in the final directory, promoted by rename.</summary>
public sealed partial class FileSystemStore
{
    public Task<string> PromoteAsync(Guid uploadId, string extension, CancellationToken cancellationToken = default)
    {
        var key = VideoKey(uploadId, extension);
        var temp = TempPath(uploadId);
        var final = FinalPath(key);
        if (File.Exists(temp))
        {
            File.Move(temp, final, overwrite: true);
        }
        else if (!File.Exists(final))
        {
            throw new FileNotFoundException($"Upload {uploadId} has neither temp data nor a promoted file.", temp);
        }

        return Task.FromResult(key);
    }

    public Task QuarantineAsync(string storageKey, CancellationToken cancellationToken = default)
    {
        if (!IsVideoKey(storageKey))
        {
            throw new ArgumentException($"'{storageKey}' is not a video's storage key.", nameof(storageKey));
        }

        var final = FinalPath(storageKey);
        if (File.Exists(final))
        {
            Directory.CreateDirectory(_quarantineDirectory);
            File.Move(final, QuarantinePath(storageKey), overwrite: true);
        }

        return Task.CompletedTask;
    }

    public Task DeleteAsync(string storageKey, CancellationToken cancellationToken = default)
    {
        if (IsVideoKey(storageKey))
        {
            // Readers that have the file open keep reading it; new ones find nothing.
            File.Delete(FinalPath(storageKey));
        }

        return Task.CompletedTask;
    }

    public Stream? OpenRead(string storageKey)
    {
        if (!IsVideoKey(storageKey))
        {
            return null;
        }

        var path = FinalPath(storageKey);
        return File.Exists(path)
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan)
            : null;
    }
}
