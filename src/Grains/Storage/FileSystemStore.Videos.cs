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

        // Off the caller's thread: callers are grains, and a quarantine folder on another file system makes the move a copy.
        return Task.Run(
            () =>
            {
                var final = FinalPath(storageKey);
                if (File.Exists(final))
                {
                    Directory.CreateDirectory(_quarantineDirectory);
                    File.Move(final, QuarantinePath(storageKey), overwrite: true);
                }
            },
            cancellationToken);
    }

    public Task DeleteAsync(string storageKey, CancellationToken cancellationToken = default)
    {
        if (!IsVideoKey(storageKey))
        {
            return Task.CompletedTask;
        }

        // Off the caller's thread: callers are grains, and unlinking a file of many GB takes a while. A quarantined video
        // goes too: removing a video must not leave its bytes aside. Readers that have the file open keep reading it.
        return Task.Run(
            () =>
            {
                File.Delete(FinalPath(storageKey));

                // File.Delete throws for a missing directory, and the quarantine folder exists only once something was quarantined.
                if (Directory.Exists(_quarantineDirectory))
                {
                    File.Delete(QuarantinePath(storageKey));
                }
            },
            cancellationToken);
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
