// Why this file exists: the memory test uploads 10 GiB without a 10 GiB file: a seekable read-only stream whose bytes
// are a function of their position (a 64 KiB random block, offset by its index), generated as they are read.

namespace Orleans.Uploads.Client.Tests.Support;

public sealed class GeneratedStream(long length) : Stream
{
    private static readonly byte[] Block = MakeBlock();

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position { get; set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - Position);
        for (var done = 0; done < n;)
        {
            var at = (int)((Position + done) % Block.Length);
            var piece = Math.Min(n - done, Block.Length - at);
            Block.AsSpan(at, piece).CopyTo(buffer.Slice(done, piece));
            buffer[done] ^= (byte)((Position + done) / Block.Length);
            done += piece;
        }

        Position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => Position + offset,
        _ => length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private static byte[] MakeBlock()
    {
        var block = new byte[64 * 1024];
        new Random(42).NextBytes(block);
        return block;
    }
}
