using System.Security.Cryptography;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Cluster.Tests.Balancer;

/// <summary>
/// A large upload body made on the fly from a seed, so hundreds of MiB cost no memory (a <see cref="RealCluster.SeededFile"/>
/// holds its bytes): an MP4 header, then seeded bytes, hashed as they are read.
/// </summary>
public sealed class SeededStream(long length, int seed) : Stream
{
    private readonly Random _random = new(seed);
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _position;
    private string? _sha256;

    /// <summary>The sha256 of what was read so far (of all of it once disposed: a StreamContent disposes its stream after sending).</summary>
    public string Sha256() => _sha256 ?? Convert.ToHexStringLower(_hash.GetCurrentHash());

    public override int Read(byte[] buffer, int offset, int count) => Fill(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Fill(buffer.Span));

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
        var bytes = buffer[..(int)Math.Min(buffer.Length, length - _position)];
        _random.NextBytes(bytes);
        if (_position == 0)
        {
            VideoHeaders.Stamp(bytes);
        }

        _hash.AppendData(bytes);
        _position += bytes.Length;
        return bytes.Length;
    }
}
