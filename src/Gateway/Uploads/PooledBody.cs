using System.Buffers;

namespace Orleans.Uploads.Gateway.Uploads;

/// <summary>
/// A request body of known, bounded length read into a pooled buffer. The buffer goes back to the pool on
/// dispose, unless <see cref="Abandon"/> was called because a grain that may still read it did not answer.
/// </summary>
public sealed class PooledBody : IDisposable
{
    private byte[]? _buffer;

    private PooledBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Memory = buffer.AsMemory(0, length);
    }

    public ReadOnlyMemory<byte> Memory { get; }

    /// <summary>Reads exactly <paramref name="length"/> bytes, or returns null when the body ends early.</summary>
    public static async Task<PooledBody?> ReadAsync(Stream body, int length, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            var read = await body.ReadAtLeastAsync(buffer.AsMemory(0, length), length, throwOnEndOfStream: false, cancellationToken);
            if (read == length)
            {
                return new PooledBody(buffer, length);
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        ArrayPool<byte>.Shared.Return(buffer);
        return null;
    }

    public void Abandon() => _buffer = null;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
