using System.Buffers;
using System.Security.Cryptography;

namespace Orleans.Uploads.Grains.Storage;

/// <summary>The sha256 of a whole upload and of each of its chunks, read back from storage in one sequential pass.</summary>
public sealed record UploadDigest(byte[] FileHash, byte[] ChunkHashes)
{
    private const int ReadBufferSize = 1024 * 1024;

    public static async Task<UploadDigest> ComputeAsync(Stream content, int chunkSize, bool withChunkHashes, CancellationToken cancellationToken)
    {
        using var file = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var chunk = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunkHashes = new MemoryStream();
        // Pooled: many small uploads completing one after another would otherwise each leave 1 MiB for the GC.
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
        try
        {
            return await HashAsync(content, buffer, chunkSize, withChunkHashes, file, chunk, chunkHashes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<UploadDigest> HashAsync(
        Stream content, byte[] buffer, int chunkSize, bool withChunkHashes, IncrementalHash file, IncrementalHash chunk, MemoryStream chunkHashes, CancellationToken cancellationToken)
    {
        var inChunk = 0;
        int read;
        while ((read = await content.ReadAsync(buffer.AsMemory(0, ReadBufferSize), cancellationToken).ConfigureAwait(false)) > 0)
        {
            file.AppendData(buffer, 0, read);
            for (var position = 0; withChunkHashes && position < read;)
            {
                var take = Math.Min(read - position, chunkSize - inChunk);
                chunk.AppendData(buffer, position, take);
                position += take;
                inChunk += take;
                if (inChunk == chunkSize)
                {
                    chunkHashes.Write(chunk.GetHashAndReset());
                    inChunk = 0;
                }
            }
        }

        if (withChunkHashes && inChunk > 0)
        {
            chunkHashes.Write(chunk.GetHashAndReset());
        }

        return new UploadDigest(file.GetHashAndReset(), chunkHashes.ToArray());
    }
}
