using Microsoft.Extensions.Options;
using Orleans.Uploads.Grains.Configuration;

namespace Orleans.Uploads.Grains.ChunkStorage;

/// <summary>
/// Chunks go straight to their offset in one preallocated temp file per upload, so completion is a rename,
/// not a second assembly pass. File names come only from upload ids and allow-listed extensions.
/// </summary>
public sealed class FileSystemChunkStore : IChunkStore
{
    private const string TempSuffix = ".part";
    private readonly string _tempDirectory;
    private readonly string _finalDirectory;
    private readonly bool _flushToDisk;

    public FileSystemChunkStore(IOptions<UploadOptions> options)
    {
        _tempDirectory = Path.GetFullPath(options.Value.TempDirectory);
        _finalDirectory = Path.GetFullPath(options.Value.FinalDirectory);
        _flushToDisk = options.Value.FlushToDisk;
        Directory.CreateDirectory(_tempDirectory);
        Directory.CreateDirectory(_finalDirectory);
    }

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

    public Stream OpenUploadRead(Guid uploadId, string extension, long offset)
    {
        var temp = TempPath(uploadId);
        var path = File.Exists(temp) ? temp : FinalPath(VideoKey(uploadId, extension));
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.SequentialScan) { Position = offset };
    }

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

    public Task DeleteUploadAsync(Guid uploadId, CancellationToken cancellationToken = default)
    {
        File.Delete(TempPath(uploadId));
        return Task.CompletedTask;
    }

    public Stream? OpenVideoRead(string storageKey)
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

    public IEnumerable<TempUpload> ListTempUploads()
    {
        foreach (var file in new DirectoryInfo(_tempDirectory).EnumerateFiles("*" + TempSuffix))
        {
            if (Guid.TryParseExact(Path.GetFileNameWithoutExtension(file.Name), "N", out var uploadId))
            {
                yield return new TempUpload(uploadId, file.LastWriteTimeUtc, file.Length);
            }
        }
    }

    public async Task ProbeAsync(CancellationToken cancellationToken = default)
    {
        foreach (var directory in new[] { _tempDirectory, _finalDirectory })
        {
            var probe = Path.Combine(directory, $".probe-{Guid.NewGuid():N}");
            await File.WriteAllBytesAsync(probe, [1], cancellationToken).ConfigureAwait(false);
            File.Delete(probe);
        }
    }

    public static string VideoKey(Guid uploadId, string extension) => uploadId.ToString("N") + extension;

    private static bool IsVideoKey(string key)
    {
        var dot = key.IndexOf('.', StringComparison.Ordinal);
        return dot == 32 && Guid.TryParseExact(key[..dot], "N", out _) && key[(dot + 1)..].All(char.IsAsciiLetterOrDigit);
    }

    private string TempPath(Guid uploadId) => Path.Combine(_tempDirectory, uploadId.ToString("N") + TempSuffix);

    private string FinalPath(string key) => Path.Combine(_finalDirectory, key);
}
