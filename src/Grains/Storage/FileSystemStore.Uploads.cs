namespace Orleans.Uploads.Grains.Storage;

/// <summary><see cref="IUploadStore"/>: one sparse temp file per upload in progress.</summary>
public sealed partial class FileSystemStore
{
    public Task CreateAsync(Guid uploadId, long? size, CancellationToken cancellationToken = default)
    {
        var path = TempPath(uploadId);
        if (!File.Exists(path))
        {
            // No preallocation: initiates alone must not take disk (5,000 of 1 MiB took 1 GiB). A full disk is met by
            // the free-space floor before each write instead, and the quotas bound what unfinished uploads may claim.
            _floor.Admit(0);
            File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite).Dispose();
        }

        if (size is { } length)
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            if (RandomAccess.GetLength(handle) != length)
            {
                // ftruncate: the file reads as its full length (so chunk writes never grow it and a data flush need
                // not write a size change) while taking no blocks until bytes arrive.
                RandomAccess.SetLength(handle, length);
            }
        }

        return Task.CompletedTask;
    }

    public async Task WriteAsync(Guid uploadId, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        // FileMode.Open: a write for a temp file that was never created (or was cleaned up) must fail, not recreate it.
        using var handle = File.OpenHandle(TempPath(uploadId), FileMode.Open, FileAccess.Write, FileShare.ReadWrite);

        // After the open (a missing file is not a disk question), before any byte: a refusal never leaves half a write.
        _floor.Admit(data.Length);
        if (!_flushToDisk)
        {
            await RandomAccess.WriteAsync(handle, data, offset, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Durable at once: the page cache would only be churned, so the bytes skip it where the file system allows.
        await DirectWrites.WriteAsync(handle, data, offset, cancellationToken).ConfigureAwait(false);
        DataFlush.Flush(handle);
    }

    public async Task ConcatenateAsync(Guid uploadId, IReadOnlyList<Guid> parts, CancellationToken cancellationToken = default)
    {
        _floor.Admit(parts.Sum(part => new FileInfo(TempPath(part)).Length));
        await using var target = new FileStream(TempPath(uploadId), FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1024 * 1024, FileOptions.Asynchronous);
        foreach (var part in parts)
        {
            await using var source = new FileStream(TempPath(part), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1024 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await source.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
        }

        target.Flush(flushToDisk: _flushToDisk);
    }

    public Stream OpenRead(Guid uploadId, string extension, long offset)
    {
        var temp = TempPath(uploadId);
        var path = File.Exists(temp) ? temp : FinalPath(VideoKey(uploadId, extension));
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.SequentialScan) { Position = offset };
    }

    public Task DeleteAsync(Guid uploadId, CancellationToken cancellationToken = default)
    {
        File.Delete(TempPath(uploadId));
        return Task.CompletedTask;
    }

    public IEnumerable<TempUpload> List()
    {
        foreach (var file in new DirectoryInfo(_tempDirectory).EnumerateFiles("*" + TempSuffix))
        {
            if (Guid.TryParseExact(Path.GetFileNameWithoutExtension(file.Name), "N", out var uploadId))
            {
                yield return new TempUpload(uploadId, file.LastWriteTimeUtc, file.Length);
            }
        }
    }
}
