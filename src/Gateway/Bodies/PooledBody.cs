namespace Orleans.Uploads.Gateway.Bodies;

/// <summary>
/// Request-body bytes in a buffer lent by <see cref="BodyBuffers"/>, grown as they arrive: the buffer starts at one
/// step and doubles whenever the bytes fill it, up to the limit of the read, and each growth takes its share of the
/// body's <see cref="BodyAllowance"/> before the read that fills it. So a body holds at most about twice the budget of
/// the bytes that arrived, never the length it declared: a client that declares 32 MiB and then trickles holds one step.
/// The buffer goes back on dispose, unless <see cref="Abandon"/> was called because a grain that may still read it
/// did not answer: then it is left to the garbage collector, and only its share of the budget is given back.
/// Hazard: growing copies what arrived into the larger buffer; doubling keeps that below one extra copy of the body.
/// </summary>
public sealed class PooledBody : IDisposable
{
    private readonly BodyBuffers _buffers;
    private readonly BodyAllowance _allowance;
    private readonly bool _ownsAllowance;
    private byte[]? _buffer;
    private int _capacity;

    /// <param name="allowance">The body's share of the budget, shared by every buffer of one body and disposed by its owner.</param>
    public PooledBody(BodyBuffers buffers, BodyAllowance allowance)
        : this(buffers, allowance, ownsAllowance: false)
    {
    }

    private PooledBody(BodyBuffers buffers, BodyAllowance allowance, bool ownsAllowance)
    {
        _buffers = buffers;
        _allowance = allowance;
        _ownsAllowance = ownsAllowance;
    }

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
        // The whole read is one buffer, so all it may need is its length.
        var pooled = new PooledBody(buffers, new BodyAllowance(buffers, length), ownsAllowance: true);
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
            _buffers.Arrays.Return(buffer);
        }

        if (_ownsAllowance)
        {
            _allowance.Dispose();
        }
    }

    private async ValueTask GrowAsync(int limit, CancellationToken cancellationToken)
    {
        if (Length < _capacity)
        {
            return;
        }

        var capacity = (int)Math.Min(limit, Math.Max(BodyBuffers.StepBytes, 2L * _capacity));
        await _allowance.TakeAsync(capacity - _capacity, cancellationToken);
        var grown = _buffers.Arrays.Rent(capacity);
        if (_buffer is { } old)
        {
            old.AsSpan(0, Length).CopyTo(grown);
            _buffers.Arrays.Return(old);
        }

        _buffer = grown;
        _capacity = capacity;
    }
}
