namespace Orleans.Uploads.Gateway.Bodies;

/// <summary>
/// Request-body bytes in a buffer lent by <see cref="BodyBuffers"/>, grown as they arrive: the buffer starts at one
/// step and doubles whenever the bytes fill it, up to the limit of the read, and each growth takes its share of the
/// budget before the read that fills it. So a body holds at most about twice the budget of the bytes that arrived,
/// never the length it declared: a client that declares 32 MiB and then trickles holds one step.
/// The buffer goes back on dispose, unless <see cref="Abandon"/> was called because a grain that may still read it
/// did not answer: then it is left to the garbage collector, and only its share of the budget is given back.
/// Hazard: growing copies what arrived into the larger buffer; doubling keeps that below one extra copy of the body.
/// </summary>
public sealed class PooledBody(BodyBuffers buffers) : IDisposable
{
    private readonly List<IDisposable> _reservations = [];
    private byte[]? _buffer;
    private int _capacity;

    /// <summary>The bytes read so far.</summary>
    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Memory => _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, Length);

    /// <summary>The array that holds <see cref="Memory"/> now (it changes as the buffer grows).</summary>
    public byte[]? Array => _buffer;

    /// <summary>
    /// Reads exactly <paramref name="length"/> bytes into a new buffer; null when the body ends early. Throws a 408
    /// <see cref="BadHttpRequestException"/> when the budget had no room for the next step in time.
    /// </summary>
    public static async Task<PooledBody?> ReadAsync(Stream body, int length, BodyBuffers buffers, CancellationToken cancellationToken)
    {
        var pooled = new PooledBody(buffers);
        try
        {
            await pooled.FillAsync(body, length, stop: null, cancellationToken);
        }
        catch
        {
            pooled.Dispose();
            throw;
        }

        if (pooled.Length == length)
        {
            return pooled;
        }

        pooled.Dispose();
        return null;
    }

    /// <summary>
    /// Reads until <see cref="Length"/> reaches <paramref name="limit"/>, the body ends, or <paramref name="stop"/>
    /// (asked before each read) says so. What was read before an exception stays in <see cref="Memory"/>.
    /// </summary>
    public async Task FillAsync(Stream body, int limit, Func<bool>? stop, CancellationToken cancellationToken)
    {
        while (Length < limit && stop?.Invoke() != true)
        {
            await GrowAsync(limit, cancellationToken);
            var read = await body.ReadAsync(_buffer.AsMemory(Length, _capacity - Length), cancellationToken);
            if (read == 0)
            {
                return;
            }

            Length += read;
        }
    }

    /// <summary>Forgets the bytes read, keeping the buffer (and its budget) for the next piece of the same body.</summary>
    public void Clear() => Length = 0;

    public void Abandon() => _buffer = null;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            buffers.Arrays.Return(buffer);
        }

        ReleaseReservations();
    }

    private void ReleaseReservations()
    {
        foreach (var reservation in _reservations)
        {
            reservation.Dispose();
        }

        _reservations.Clear();
    }

    private async ValueTask GrowAsync(int limit, CancellationToken cancellationToken)
    {
        if (Length < _capacity)
        {
            return;
        }

        var capacity = (int)Math.Min(limit, Math.Max(BodyBuffers.StepBytes, 2L * _capacity));
        if (buffers.TryReserve(capacity - _capacity) is { } growth)
        {
            _reservations.Add(growth);
        }
        else
        {
            // Hazard: waiting for more while holding a share is hold-and-wait; bodies that each hold part of the budget
            // and wait for the rest deadlock (seen: four tus-js-client PATCHes in parallel). So a body that must wait
            // gives its share back and waits for its whole new capacity at once, in the budget's first-come queue.
            ReleaseReservations();
            _reservations.Add(await buffers.ReserveAsync(capacity, cancellationToken));
        }

        var grown = buffers.Arrays.Rent(capacity);
        if (_buffer is { } old)
        {
            old.AsSpan(0, Length).CopyTo(grown);
            buffers.Arrays.Return(old);
        }

        _buffer = grown;
        _capacity = capacity;
    }
}
