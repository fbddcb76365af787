using System.Buffers;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// Chunk bytes on their way to a session. Immutable, so a call inside one process (the standalone server)
/// hands the gateway's pooled buffer to the grain instead of deep-copying megabytes.
/// The sender must not reuse the buffer until the call has returned.
/// </summary>
/// <remarks>
/// Between processes <see cref="ChunkPayloadCodec"/> carries the bytes, and the receiving side reads them into an
/// array rented from <see cref="ArrayPool{T}.Shared"/> instead of a fresh (large-object-heap) array. Such a payload
/// owns its rented array: whoever receives it calls <see cref="ReturnToPool"/> once, after the last use of
/// <see cref="Data"/>, and keeps no reference to <see cref="Data"/> past that point.
/// A payload made with <c>new ChunkPayload(memory)</c> owns nothing; <see cref="ReturnToPool"/> leaves its memory alone.
/// </remarks>
[Immutable, Alias("uploads.ChunkPayload")]
public readonly record struct ChunkPayload(ReadOnlyMemory<byte> Data)
{
    // Not serialized: set only by the codec on the receiving side. Shared by every copy of this value,
    // so the array goes back to the pool at most once however many copies call ReturnToPool.
    private readonly RentedArray? _rented;

    /// <summary>A payload over the first <paramref name="length"/> bytes of <paramref name="rented"/>, which it owns.</summary>
    internal ChunkPayload(byte[] rented, int length)
        : this(new ReadOnlyMemory<byte>(rented, 0, length))
    {
        _rented = new RentedArray(rented);
    }

    /// <summary>Whether this payload still holds an array rented from the shared pool.</summary>
    internal bool OwnsPooledArray => _rented?.IsHeld == true;

    /// <summary>
    /// Returns the array this payload rented from <see cref="ArrayPool{T}.Shared"/>, if it owns one; otherwise does nothing.
    /// Call it once, after the last use of <see cref="Data"/>: the array may be handed to someone else right away.
    /// Calling it again (on this value or a copy of it) does nothing.
    /// </summary>
    public void ReturnToPool() => _rented?.Return();

    private sealed class RentedArray(byte[] array)
    {
        private byte[]? _array = array;

        public bool IsHeld => Volatile.Read(ref _array) is not null;

        public void Return()
        {
            if (Interlocked.Exchange(ref _array, null) is { } array)
            {
                ArrayPool<byte>.Shared.Return(array);
            }
        }
    }
}
