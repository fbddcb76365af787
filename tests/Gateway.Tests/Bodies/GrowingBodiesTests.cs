using Orleans.Uploads.Gateway.Bodies;

namespace Orleans.Uploads.Gateway.Tests.Bodies;

/// <summary>
/// Bodies take the budget in steps as their bytes arrive; two bodies that each hold half of it and need the rest must
/// not wait on each other for ever (hold-and-wait: seen as 408s under tus-js-client's parallel PATCHes).
/// </summary>
public sealed class GrowingBodiesTests
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Two_bodies_that_each_hold_half_the_budget_both_finish()
    {
        using var buffers = new BodyBuffers(MiB);
        var first = new GatedStream(MiB, gateAt: MiB / 2);
        var second = new GatedStream(MiB, gateAt: MiB / 2);
        var reads = new[] { first, second }.Select(stream => PooledBody.ReadAsync(stream, MiB, buffers, CancellationToken.None)).ToArray();

        // Both bodies hold half a MiB of the 1 MiB budget before either may read on.
        await Task.WhenAll(first.ReachedGate, second.ReachedGate);
        first.Open();
        second.Open();

        // Bounded only so a deadlock fails the test instead of hanging the run; finishing takes milliseconds.
        var finished = Task.WhenAll(reads.Select(async read =>
        {
            using var body = await read;
            Assert.Equal(MiB, body!.Length);
        }));
        await finished.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Serves <c>length</c> bytes, but stops at <c>gateAt</c> until <see cref="Open"/>.</summary>
    private sealed class GatedStream(int length, int gateAt) : Stream
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _position;

        public Task ReachedGate => _reached.Task;

        public void Open() => _open.TrySetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position == gateAt)
            {
                _reached.TrySetResult();
                await _open.Task.WaitAsync(cancellationToken);
            }

            var end = _position < gateAt ? gateAt : length;
            var count = Math.Min(buffer.Length, end - _position);
            buffer.Span[..count].Fill(0x2a);
            _position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
