using Orleans.Uploads.Gateway.Bodies;
using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Gateway.Tests.Support;

namespace Orleans.Uploads.Gateway.Tests.Bodies;

/// <summary>
/// Bodies take the budget in steps as their bytes arrive. A body that holds part of the budget and needs more must
/// never wait for it while holding (hold-and-wait): bodies that each hold part of the budget and wait for the rest
/// deadlock, seen as 408s under tus-js-client's four parallel PATCHes. The budgets here lend their wait a few seconds
/// only so that such a deadlock fails the test with a 408 instead of hanging the run; none of these waits should last.
/// </summary>
public sealed class GrowingBodiesTests
{
    private const int KiB = 1024;
    private const int MiB = 1024 * KiB;
    private static readonly TimeSpan DeadlockShowsAfter = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Two_bodies_that_each_hold_half_the_budget_and_need_more_both_finish()
    {
        using var buffers = new BodyBuffers(MiB, DeadlockShowsAfter);

        // At 384 KiB read each buffer has grown to 512 KiB: together they hold the whole budget, and each needs 1 MiB.
        var first = new GatedStream(MiB, gateAt: 384 * KiB);
        var second = new GatedStream(MiB, gateAt: 384 * KiB);
        var reads = new[] { first, second }.Select(stream => PooledBody.ReadAsync(stream, MiB, buffers, CancellationToken.None)).ToArray();
        await Task.WhenAll(first.ReachedGate, second.ReachedGate);
        first.Open();
        second.Open();

        // Each body is let go as soon as it is read, as each request's is: whichever got the whole budget first must give
        // it back before the other can finish, so awaiting them in a fixed order would deadlock the test, not the bodies.
        await Task.WhenAll(reads.Select(async read =>
        {
            using var body = await read;
            Assert.Equal(MiB, body!.Length);
            Assert.True(body.Memory.Span.IndexOfAnyExcept(GatedStream.Fill) < 0);
        }));
    }

    [Fact]
    public async Task A_pumped_body_whose_two_pieces_outgrow_the_budget_still_finishes()
    {
        // One piece is stored while the next is received; two 512 KiB pieces do not fit a 768 KiB budget.
        using var buffers = new BodyBuffers(768 * KiB, DeadlockShowsAfter);
        var bytes = TestData.RandomBytes(4 * 512 * KiB, seed: 4400);
        var stored = new MemoryStream();

        var error = await PiecePump.PumpAsync(
            new MemoryStream(bytes),
            512 * KiB,
            bytes.Length,
            (piece, _) =>
            {
                stored.Write(piece.Span);
                return Task.FromResult<UploadError?>(null);
            },
            received: null,
            buffers,
            CancellationToken.None);

        Assert.Null(error);
        Assert.Equal(bytes, stored.ToArray());
    }

    [Fact]
    public async Task A_body_that_must_wait_gives_back_what_it_holds_and_then_holds_all_it_needs()
    {
        using var buffers = new BodyBuffers(MiB, DeadlockShowsAfter);
        using var first = new BodyAllowance(buffers, mostNeeded: MiB);
        using var second = new BodyAllowance(buffers, mostNeeded: MiB);
        await first.TakeAsync(512 * KiB, CancellationToken.None);
        await second.TakeAsync(512 * KiB, CancellationToken.None);

        // The first cannot grow: it waits, holding nothing, for the whole MiB it may need.
        var firstGrows = first.TakeAsync(64 * KiB, CancellationToken.None).AsTask();
        Assert.False(firstGrows.IsCompleted);

        // The second finds someone waiting before it, so it gives back its half too, and the first gets the budget.
        var secondGrows = second.TakeAsync(64 * KiB, CancellationToken.None).AsTask();
        await firstGrows;
        Assert.False(secondGrows.IsCompleted);

        // Holding all it needs, the first never waits again; the second gets its turn once the first is done.
        await first.TakeAsync(256 * KiB, CancellationToken.None);
        first.Dispose();
        await secondGrows;
    }

    /// <summary>Serves <c>length</c> bytes, but stops at <c>gateAt</c> until <see cref="Open"/>.</summary>
    private sealed class GatedStream(int length, int gateAt) : Stream
    {
        public const byte Fill = 0x2a;
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
            buffer.Span[..count].Fill(Fill);
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
