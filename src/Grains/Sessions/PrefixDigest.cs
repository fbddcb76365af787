using System.Buffers;
using System.Security.Cryptography;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// The sha256 of an upload from byte 0 to the end of its contiguous stored prefix, kept up to date while the upload
/// runs so completion needs no second pass over the file. Bytes the caller still holds are hashed from memory; bytes
/// it cannot offer (chunks stored ahead of a gap, everything stored before this activation) are read back from the
/// chunk store once the prefix reaches them. Calls may overlap: they are applied one at a time, off the grain's
/// scheduler, because hashing megabytes would otherwise stall every other call of the session.
/// </summary>
public sealed class PrefixDigest(Func<long, Stream> openAt) : IDisposable
{
    // Below the large-object threshold: re-reads are a few chunks at a time, and large pooled arrays get trimmed and re-made.
    private const int ReadBufferSize = 64 * 1024;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _position;

    /// <summary>
    /// Extends the hash to <paramref name="storedEnd"/> (every byte below it is written, and stays unless the session drops
    /// this digest). <paramref name="held"/>, the
    /// bytes at <paramref name="offset"/>, is used when the prefix has reached it; it is not read after the returned task ends.
    /// </summary>
    public Task AdvanceAsync(long storedEnd, long offset = 0, ReadOnlyMemory<byte> held = default) =>
        Task.Run(async () =>
        {
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                await AdvanceLockedAsync(storedEnd, offset, held).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        });

    /// <summary>The sha256 of the first <paramref name="length"/> bytes, all of which must be stored.</summary>
    public async Task<byte[]> HashOfFirstAsync(long length)
    {
        await AdvanceAsync(length).ConfigureAwait(false);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            return _position == length
                ? _hash.GetCurrentHash()
                : throw new InvalidOperationException($"The digest is at byte {_position}, past the {length} bytes asked for.");
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _hash.Dispose();
        _gate.Dispose();
    }

    private async Task AdvanceLockedAsync(long storedEnd, long offset, ReadOnlyMemory<byte> held)
    {
        if (offset == _position && offset + held.Length <= storedEnd)
        {
            _hash.AppendData(held.Span);
            _position += held.Length;
        }

        if (_position >= storedEnd)
        {
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
        try
        {
            await using var content = openAt(_position);
            while (_position < storedEnd)
            {
                var read = await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(ReadBufferSize, storedEnd - _position))).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new EndOfStreamException($"The stored upload ends at byte {_position}, before the {storedEnd} bytes recorded as stored.");
                }

                _hash.AppendData(buffer, 0, read);
                _position += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
