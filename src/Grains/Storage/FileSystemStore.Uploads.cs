namespace Orleans.Uploads.Grains.Storage;

/// <summary><see cref="IUploadStore"/>: one preallocated temp file per upload in progress.</summary>
public sealed partial class FileSystemStore
{
    public Task CreateAsync(Guid uploadId, long? size, CancellationToken cancellationToken = default)
    {
        var path = TempPath(uploadId);
        if (!File.Exists(path))
        {
            // Reserving the whole size up front means a full disk fails here, not half-way through the upload.
            File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite, FileOptions.None, size ?? 0).Dispose();
        }

        if (size is { } length)
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            if (RandomAccess.GetLength(handle) != length)
            {
                RandomAccess.SetLength(handle, length);
            }
        }

        return Task.CompletedTask;
    }

    public async Task WriteAsync(Guid uploadId, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        // FileMode.Open: a write for a temp file that was never created (or was cleaned up) must fail, not recreate it.
        using var handle = File.OpenHandle(TempPath(uploadId), FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        await RandomAccess.WriteAsync(handle, data, offset, cancellationToken).ConfigureAwait(false);
        if (_flushToDisk)
        {
            DataFlush.Flush(handle);
        }
    }

    public async Task ConcatenateAsync(Guid uploadId, IReadOnlyList<Guid> parts, CancellationToken cancellationToken = default)
    {
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
