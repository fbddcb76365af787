namespace Orleans.Uploads.Gateway.Bodies;

/// <summary>
/// A request body of known, bounded length read into a buffer lent by <see cref="BodyBuffers"/>. The buffer goes back
/// on dispose, unless <see cref="Abandon"/> was called because a grain that may still read it did not answer: then it
/// is left to the garbage collector, and only its share of the budget is given back.
/// </summary>
public sealed class PooledBody : IDisposable
{
    private readonly BodyBuffers _buffers;
    private readonly IDisposable _reservation;
    private byte[]? _buffer;

    private PooledBody(BodyBuffers buffers, IDisposable reservation, byte[] buffer, int length)
    {
        _buffers = buffers;
        _reservation = reservation;
        _buffer = buffer;
        Memory = buffer.AsMemory(0, length);
    }

    public ReadOnlyMemory<byte> Memory { get; }

    /// <summary>
    /// Waits for room in the budget, then reads exactly <paramref name="length"/> bytes; null when the body ends early.
    /// The buffer is at least <paramref name="bufferSize"/> long, so an upload's short last chunk reuses a buffer of its
    /// full-size chunks instead of making one more of its own size.
    /// </summary>
    public static async Task<PooledBody?> ReadAsync(Stream body, int length, int bufferSize, BodyBuffers buffers, CancellationToken cancellationToken)
    {
        var reservation = await buffers.ReserveAsync(length, cancellationToken);
        var buffer = buffers.Arrays.Rent(Math.Max(Math.Max(length, bufferSize), 1));
        var read = 0;
        try
        {
            read = await body.ReadAtLeastAsync(buffer.AsMemory(0, length), length, throwOnEndOfStream: false, cancellationToken);
        }
        finally
        {
            if (read != length)
            {
                buffers.Arrays.Return(buffer);
                reservation.Dispose();
            }
        }

        return read == length ? new PooledBody(buffers, reservation, buffer, length) : null;
    }

    public void Abandon() => _buffer = null;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            _buffers.Arrays.Return(buffer);
        }

        _reservation.Dispose();
    }
}
