// Why this file exists: the whole file's sha256 (`fileHash`) must be known at initiate, so it is read once up front,
// through one pooled buffer: memory stays flat however large the file.

using System.Buffers;
using System.Security.Cryptography;

namespace Orleans.Uploads.Client.Chunks;

internal static class FileHasher
{
    private const int BlockSize = 1024 * 1024;

    /// <summary>Lower-case hex sha256 of the first <paramref name="length"/> bytes; <paramref name="progress"/> gets bytes hashed so far.</summary>
    public static async Task<string> Sha256Async(ChunkSource source, long length, Action<long>? progress, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            for (long done = 0; done < length;)
            {
                var block = (int)Math.Min(BlockSize, length - done);
                await source.ReadExactlyAsync(done, buffer.AsMemory(0, block), cancellationToken);
                hash.AppendData(buffer, 0, block);
                done += block;
                progress?.Invoke(done);
            }

            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
