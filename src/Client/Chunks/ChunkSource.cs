// Why this file exists: chunks are read at their offsets, several at once and again on resume, so the upload reads
// its bytes through this small interface: a file (positional reads, no shared position) or a seekable stream.

using Microsoft.Win32.SafeHandles;

namespace Orleans.Uploads.Client.Chunks;

/// <summary>Bytes read at any offset, safe to call from several chunk senders at once.</summary>
internal abstract class ChunkSource : IAsyncDisposable
{
    public abstract long Length { get; }

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/>; throws when the source ends early (it changed).</summary>
    public abstract ValueTask ReadExactlyAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}

/// <summary>A file read with positional reads (RandomAccess): parallel readers never share a position.</summary>
internal sealed class FileChunkSource(string path) : ChunkSource
{
    private readonly SafeFileHandle _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);

    public override long Length => RandomAccess.GetLength(_handle);

    public override async ValueTask ReadExactlyAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        for (var read = 0; read < buffer.Length;)
        {
            var n = await RandomAccess.ReadAsync(_handle, buffer[read..], offset + read, cancellationToken);
            if (n == 0)
            {
                throw new IOException($"{path} ended at {offset + read} bytes: it changed while it was uploaded");
            }

            read += n;
        }
    }

    public override ValueTask DisposeAsync()
    {
        _handle.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A seekable stream: one reader at a time (seek then read under a lock). The caller owns and disposes the stream.</summary>
internal sealed class StreamChunkSource : ChunkSource
{
    private readonly Stream _stream;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public StreamChunkSource(Stream stream)
    {
        if (!stream.CanSeek || !stream.CanRead)
        {
            throw new ArgumentException("the stream must be readable and seekable: chunks are read at their offsets, in parallel and again on resume", nameof(stream));
        }

        _stream = stream;
    }

    public override long Length => _stream.Length;

    public override async ValueTask ReadExactlyAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _stream.Position = offset;
            await _stream.ReadExactlyAsync(buffer, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public override ValueTask DisposeAsync()
    {
        _gate.Dispose();
        return ValueTask.CompletedTask;
    }
}
