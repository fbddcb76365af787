using System.Security.Cryptography;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Cluster.Tests.Balancer;

/// <summary>
/// A large upload body made on the fly from a seed, so hundreds of MiB cost no memory: an MP4 header, then seeded bytes;
/// hashed as it is read. It can stop at <see cref="PauseAt"/> until <see cref="Resume"/>, to hold a request open midway.
/// </summary>
public sealed class SeededStream(long length, int seed, long? pauseAt = null) : Stream
{
    private readonly Random _random = new(seed);
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _position;
    private string? _sha256;

    public long? PauseAt => pauseAt;

    /// <summary>Completes once every byte before <see cref="PauseAt"/> was read.</summary>
    public Task Paused => _paused.Task;

    public void Resume() => _resumed.TrySetResult();

    /// <summary>The whole body's sha256, as another SeededStream of the same length and seed would read it.</summary>
    public static string Sha256Of(long length, int seed)
    {
        using var stream = new SeededStream(length, seed);
        var buffer = new byte[1024 * 1024];
        while (stream.Read(buffer, 0, buffer.Length) > 0)
        {
        }

        return stream.Sha256();
    }

    /// <summary>The sha256 of what was read so far (of all of it once disposed: a StreamContent disposes its stream after sending).</summary>
    public string Sha256() => _sha256 ?? Convert.ToHexStringLower(_hash.GetCurrentHash());

    /// <summary>Reads past the first <paramref name="count"/> bytes (a resumed upload sends the rest).</summary>
    public SeededStream Skip(long count)
    {
        var buffer = new byte[1024 * 1024];
        while (_position < count)
        {
            Fill(buffer.AsSpan(0, (int)Math.Min(buffer.Length, count - _position)));
        }

        return this;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (pauseAt is { } pause && _position == pause)
        {
            _paused.TrySetResult();
            await _resumed.Task.WaitAsync(cancellationToken);
        }

        return Fill(buffer.Span);
    }

    public override int Read(byte[] buffer, int offset, int count) => Fill(buffer.AsSpan(offset, count));

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _sha256 is null)
        {
            _sha256 = Sha256();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Fill(Span<byte> buffer)
    {
        var end = pauseAt is { } pause && _position < pause ? pause : length;
        var count = (int)Math.Min(buffer.Length, end - _position);
        var bytes = buffer[..count];
        _random.NextBytes(bytes);
        if (_position == 0)
        {
            VideoHeaders.Stamp(bytes);
        }

        _hash.AppendData(bytes);
        _position += count;
        return count;
    }
}
