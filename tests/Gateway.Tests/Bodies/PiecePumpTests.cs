using System.Buffers;
using System.Runtime.InteropServices;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Gateway.Bodies;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Gateway.Tests.Bodies;

/// <summary>
/// The piece pump behind tus PATCH and the legacy form post, without HTTP or Orleans: a scripted body that arrives
/// in small reads, a store whose calls the test completes, and a pool that checks every buffer comes back exactly
/// once and never while a read or a store may still use it. Every wait is on a condition, never a sleep.
/// </summary>
public sealed class PiecePumpTests
{
    private const int Piece = 1000;
    private const int MaxRead = 100;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private static readonly UploadError Superseded = new(UploadErrorCode.AppendSuperseded, "a newer request took over");

    private readonly CheckingPool _pool = new();
    private readonly Arrivals<byte[]> _received = new();
    private readonly GatedStore _store;

    public PiecePumpTests() => _store = new GatedStore(_pool);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Piece - 1)]
    [InlineData(Piece)]
    [InlineData(Piece + 1)]
    [InlineData((2 * Piece) + 500)]
    [InlineData(10 * Piece)]
    public async Task The_body_is_stored_in_order_piece_by_piece_with_at_most_two_buffers(int length)
    {
        var bytes = TestData.RandomBytes(length, seed: 4100 + length);

        Assert.Null(await PumpAsync(new ScriptedBody(bytes, _pool)));

        Assert.Equal(bytes.Chunk(Piece), _store.Calls.ToArray().Select(call => call.Bytes));
        Assert.Equal(bytes, _received.ToArray().SelectMany(piece => piece));
        Assert.InRange(_store.MaxInFlight, 0, 1);
        Assert.InRange(_pool.Rents, 1, length < Piece ? 1 : 2);
        AssertEveryBufferReturned();
    }

    [Fact]
    public async Task The_next_piece_is_received_while_the_previous_one_is_stored()
    {
        var bytes = TestData.RandomBytes((2 * Piece) + 500, seed: 4201);
        var firstStored = _store.Hold(0);
        var pump = PumpAsync(new ScriptedBody(bytes, _pool));

        Assert.Equal(bytes[..Piece], (await _store.Calls.WaitFor(0)).Bytes);

        // The whole second piece arrives (and is seen, e.g. hashed) while the first is still being stored...
        Assert.Equal(bytes[Piece..(2 * Piece)], await _received.WaitFor(1));
        Assert.Equal(1, _store.Calls.Count);

        // ...and is stored only after it.
        firstStored.SetResult(null);
        Assert.Null(await pump.WaitAsync(Patience));
        Assert.Equal(bytes.Chunk(Piece), _store.Calls.ToArray().Select(call => call.Bytes));
        Assert.Equal(1, _store.MaxInFlight);
        AssertEveryBufferReturned();
    }

    [Fact]
    public async Task A_store_error_is_returned_and_the_piece_being_received_is_dropped()
    {
        var bytes = TestData.RandomBytes(4 * Piece, seed: 4301);
        var body = new ScriptedBody(bytes, _pool) { HoldAt = Piece + (3 * MaxRead) };
        var firstStored = _store.Hold(0);
        var pump = PumpAsync(body);

        await body.ReachedHold;
        firstStored.SetResult(Superseded);
        await _store.Answered(0);
        body.Release();

        Assert.Same(Superseded, await pump.WaitAsync(Patience));
        Assert.Single(_store.Calls.ToArray());

        // The read under way when the store failed was the last one.
        Assert.Equal(Piece + (4 * MaxRead), body.Delivered);
        AssertEveryBufferReturned();
    }

    [Fact]
    public async Task A_store_error_stops_reading_the_body()
    {
        var bytes = TestData.RandomBytes(6 * Piece, seed: 4302);
        var body = new ScriptedBody(bytes, _pool);
        _store.Hold(1).SetResult(Superseded);

        Assert.Same(Superseded, await PumpAsync(body));

        Assert.Equal(2, _store.Calls.Count);
        Assert.InRange(body.Delivered, 2 * Piece, 3 * Piece);
        AssertEveryBufferReturned();
    }

    [Fact]
    public async Task A_broken_body_keeps_every_piece_it_delivered_before_the_break()
    {
        var bytes = TestData.RandomBytes(4 * Piece, seed: 4401);
        var body = new ScriptedBody(bytes, _pool) { BreakAt = Piece + 300 };
        var firstStored = _store.Hold(0);
        var pump = PumpAsync(body);

        // The break comes while the first piece is still being stored.
        Assert.Equal(bytes[Piece..(Piece + 300)], await _received.WaitFor(1));
        Assert.Equal(1, _store.Calls.Count);
        firstStored.SetResult(null);

        await Assert.ThrowsAsync<IOException>(() => pump.WaitAsync(Patience));
        Assert.Equal(new[] { bytes[..Piece], bytes[Piece..(Piece + 300)] }, _store.Calls.ToArray().Select(call => call.Bytes));
        Assert.DoesNotContain(_store.Calls.ToArray(), call => call.Last);
        AssertEveryBufferReturned();
    }

    [Fact]
    public async Task An_aborted_request_keeps_what_arrived_before_the_abort()
    {
        var bytes = TestData.RandomBytes(3 * Piece, seed: 4402);
        var body = new ScriptedBody(bytes, _pool) { HoldAt = Piece + 300 };
        using var aborted = new CancellationTokenSource();
        var pump = PumpAsync(body, aborted.Token);

        await body.ReachedHold;
        await aborted.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pump.WaitAsync(Patience));
        Assert.Equal(new[] { bytes[..Piece], bytes[Piece..(Piece + 300)] }, _store.Calls.ToArray().Select(call => call.Bytes));
        AssertEveryBufferReturned();
    }

    [Theory]
    [InlineData(500)]
    [InlineData((2 * Piece) + 500)]
    public async Task A_piece_whose_store_timed_out_never_goes_back_to_the_pool(int length)
    {
        var bytes = TestData.RandomBytes(length, seed: 4501);
        var firstStored = _store.Hold(0);
        var pump = PumpAsync(new ScriptedBody(bytes, _pool));

        var first = await _store.Calls.WaitFor(0);
        firstStored.SetException(new TimeoutException("the grain did not answer"));

        await Assert.ThrowsAsync<TimeoutException>(() => pump.WaitAsync(Patience));
        Assert.Empty(_pool.Violations);
        Assert.Same(first.Buffer, Assert.Single(_pool.Outstanding));
    }

    [Fact]
    public async Task A_failing_store_waits_for_the_read_in_flight_before_giving_its_buffers_back()
    {
        var bytes = TestData.RandomBytes(3 * Piece, seed: 4601);
        var body = new ScriptedBody(bytes, _pool) { HoldAt = Piece + 300 };
        var firstStored = _store.Hold(0);
        var pump = PumpAsync(body);

        await body.ReachedHold;
        firstStored.SetException(new InvalidOperationException("the silo is gone"));
        await _store.Answered(0);
        body.Release();

        await Assert.ThrowsAsync<InvalidOperationException>(() => pump.WaitAsync(Patience));
        Assert.Single(_store.Calls.ToArray());
        Assert.Equal(Piece + (4 * MaxRead), body.Delivered);
        AssertEveryBufferReturned();
    }

    [Fact]
    public async Task A_failing_body_is_reported_once_the_store_in_flight_is_over()
    {
        var bytes = TestData.RandomBytes(3 * Piece, seed: 4602);
        var body = new ScriptedBody(bytes, _pool) { BreakAt = Piece + 300, Break = new InvalidDataException("malformed multipart section") };
        var firstStored = _store.Hold(0);
        var pump = PumpAsync(body);

        await body.Broke;
        firstStored.SetResult(null);

        await Assert.ThrowsAsync<InvalidDataException>(() => pump.WaitAsync(Patience));
        Assert.Single(_store.Calls.ToArray());
        AssertEveryBufferReturned();
    }

    [Theory]
    [InlineData(Piece - 1, false)]
    [InlineData((2 * Piece) + 500, false)]
    [InlineData(Piece, true)]
    [InlineData(3 * Piece, true)]
    [InlineData((2 * Piece) + 500, true)]
    public async Task The_last_piece_is_marked_last_whenever_the_pump_can_know_it(int length, bool lengthDeclared)
    {
        var bytes = TestData.RandomBytes(length, seed: 4200 + length);

        Assert.Null(await PumpAsync(new ScriptedBody(bytes, _pool), lengthDeclared ? length : null));

        var calls = _store.Calls.ToArray();
        Assert.Equal(bytes.Chunk(Piece), calls.Select(call => call.Bytes));
        Assert.Equal([.. Enumerable.Repeat(false, calls.Length - 1), true], calls.Select(call => call.Last));
        AssertEveryBufferReturned();
    }

    [Fact]
    public async Task A_body_of_unknown_length_that_ends_on_a_piece_boundary_marks_no_piece_last()
    {
        var bytes = TestData.RandomBytes(2 * Piece, seed: 4300);

        Assert.Null(await PumpAsync(new ScriptedBody(bytes, _pool)));

        Assert.Equal([false, false], _store.Calls.ToArray().Select(call => call.Last));
        AssertEveryBufferReturned();
    }

    private Task<UploadError?> PumpAsync(ScriptedBody body, CancellationToken cancellationToken = default) => PumpAsync(body, null, cancellationToken);

    private Task<UploadError?> PumpAsync(ScriptedBody body, long? bodyLength, CancellationToken cancellationToken = default) =>
        PiecePump.PumpAsync(body, Piece, bodyLength, _store.StoreAsync, piece => _received.Add(piece.ToArray()), new BodyBuffers(64L * 1024 * 1024, arrays: _pool), cancellationToken);

    private void AssertEveryBufferReturned()
    {
        Assert.Empty(_pool.Violations);
        Assert.Empty(_pool.Outstanding);
    }

    private static byte[] ArrayOf(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out var segment) ? segment.Array! : throw new InvalidOperationException("not an array");

    /// <summary>Items in arrival order; a test can wait for the n-th.</summary>
    private sealed class Arrivals<T>
    {
        private readonly Lock _lock = new();
        private readonly List<T> _items = [];
        private readonly List<TaskCompletionSource<T>> _slots = [];

        public int Count
        {
            get
            {
                lock (_lock)
                {
                    return _items.Count;
                }
            }
        }

        public int Add(T item)
        {
            lock (_lock)
            {
                _items.Add(item);
                Slot(_items.Count - 1).SetResult(item);
                return _items.Count - 1;
            }
        }

        public Task<T> WaitFor(int index)
        {
            lock (_lock)
            {
                return Slot(index).Task.WaitAsync(Patience);
            }
        }

        public T[] ToArray()
        {
            lock (_lock)
            {
                return [.. _items];
            }
        }

        private TaskCompletionSource<T> Slot(int index)
        {
            while (_slots.Count <= index)
            {
                _slots.Add(new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            return _slots[index];
        }
    }

    private sealed record StoreCall(byte[] Bytes, byte[] Buffer, bool Last);

    /// <summary>Stores instantly, except calls the test holds; a timed-out call keeps its buffer in use for good.</summary>
    private sealed class GatedStore(CheckingPool pool)
    {
        private readonly Dictionary<int, TaskCompletionSource<UploadError?>> _held = [];
        private readonly Arrivals<Task<UploadError?>> _answers = new();
        private int _inFlight;
        private int _maxInFlight;

        public Arrivals<StoreCall> Calls { get; } = new();

        public int MaxInFlight => Volatile.Read(ref _maxInFlight);

        /// <summary>Call number <paramref name="call"/> (from 0) answers when the test completes the result; set up before pumping.</summary>
        public TaskCompletionSource<UploadError?> Hold(int call)
        {
            var gate = new TaskCompletionSource<UploadError?>(TaskCreationOptions.RunContinuationsAsynchronously);
            _held[call] = gate;
            return gate;
        }

        public Task<UploadError?> StoreAsync(ReadOnlyMemory<byte> piece, bool last)
        {
            var answer = AnswerAsync(piece, last);
            _answers.Add(answer);
            return answer;
        }

        /// <summary>Completes once call number <paramref name="call"/> has answered, whatever the answer.</summary>
        public async Task Answered(int call) =>
            await ((Task)await _answers.WaitFor(call)).WaitAsync(Patience).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        private async Task<UploadError?> AnswerAsync(ReadOnlyMemory<byte> piece, bool last)
        {
            var inFlight = Interlocked.Increment(ref _inFlight);
            InterlockedMax(ref _maxInFlight, inFlight);
            pool.Use(piece);
            var timedOut = false;
            try
            {
                var call = Calls.Add(new StoreCall(piece.ToArray(), ArrayOf(piece), last));
                return _held.TryGetValue(call, out var gate) ? await gate.Task : null;
            }
            catch (TimeoutException)
            {
                timedOut = true;
                throw;
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
                if (!timedOut)
                {
                    pool.Done(piece);
                }
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }

    /// <summary>Hands out fresh arrays and records misuse: a return twice, of a stranger, or of a buffer still in use.</summary>
    private sealed class CheckingPool : ArrayPool<byte>
    {
        private readonly Lock _lock = new();
        private readonly List<byte[]> _rented = [];
        private readonly List<byte[]> _inUse = [];
        private readonly List<string> _violations = [];
        private int _rents;

        public int Rents => Volatile.Read(ref _rents);

        public IReadOnlyList<string> Violations
        {
            get
            {
                lock (_lock)
                {
                    return [.. _violations];
                }
            }
        }

        public IReadOnlyList<byte[]> Outstanding
        {
            get
            {
                lock (_lock)
                {
                    return [.. _rented];
                }
            }
        }

        public override byte[] Rent(int minimumLength)
        {
            // Larger than asked, like the shared pool, so a piece must be sliced to its length.
            var array = new byte[minimumLength + 17];
            Interlocked.Increment(ref _rents);
            lock (_lock)
            {
                _rented.Add(array);
            }

            return array;
        }

        public override void Return(byte[] array, bool clearArray = false)
        {
            lock (_lock)
            {
                if (!_rented.Remove(array))
                {
                    _violations.Add("a buffer was returned twice, or was never rented");
                }
                else if (_inUse.Contains(array))
                {
                    _violations.Add("a buffer was returned while a read or a store could still use it");
                }
            }
        }

        public void Use(ReadOnlyMemory<byte> memory)
        {
            lock (_lock)
            {
                _inUse.Add(ArrayOf(memory));
            }
        }

        public void Done(ReadOnlyMemory<byte> memory)
        {
            lock (_lock)
            {
                _inUse.Remove(ArrayOf(memory));
            }
        }
    }

    /// <summary>A body that arrives <see cref="MaxRead"/> bytes at a time, can stop at a point until released, and can break.</summary>
    private sealed class ScriptedBody(byte[] bytes, CheckingPool pool) : Stream
    {
        private readonly TaskCompletionSource _reachedHold = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _broke = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _delivered;

        /// <summary>A read from this position on waits for <see cref="Release"/>.</summary>
        public int HoldAt { get; init; } = int.MaxValue;

        /// <summary>A read from this position on throws <see cref="Break"/>.</summary>
        public int BreakAt { get; init; } = int.MaxValue;

        public Exception Break { get; init; } = new IOException("the connection was reset");

        public int Delivered => Volatile.Read(ref _delivered);

        public Task ReachedHold => _reachedHold.Task.WaitAsync(Patience);

        public Task Broke => _broke.Task.WaitAsync(Patience);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public void Release() => _release.TrySetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            pool.Use(buffer);
            try
            {
                if (_delivered >= HoldAt)
                {
                    _reachedHold.TrySetResult();
                    await _release.Task.WaitAsync(cancellationToken);
                }

                if (_delivered >= BreakAt)
                {
                    _broke.TrySetResult();
                    throw Break;
                }

                var count = Math.Min(Math.Min(buffer.Length, MaxRead), bytes.Length - _delivered);
                bytes.AsSpan(_delivered, count).CopyTo(buffer.Span);
                Volatile.Write(ref _delivered, _delivered + count);
                return count;
            }
            finally
            {
                pool.Done(buffer);
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
