using System.Security.Cryptography;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.EndToEnd.Tests;

/// <summary>
/// A file of seeded random bytes on disk, written in blocks (never held whole in memory), with its sha256. It starts
/// with a header of its extension (<see cref="VideoHeaders"/>): the service refuses uploads whose first bytes are no video.
/// </summary>
public sealed class RandomFile
{
    private const int BlockSize = 1024 * 1024;

    private RandomFile(string path, long size, string sha256)
    {
        Path = path;
        Size = size;
        Sha256 = sha256;
    }

    public string Path { get; }

    public long Size { get; }

    /// <summary>Lower-case hex sha256 of the whole file.</summary>
    public string Sha256 { get; }

    public static async Task<RandomFile> CreateAsync(string path, long size, int seed, string extension = ".mp4")
    {
        var random = new Random(seed);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var block = new byte[BlockSize];
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous))
        {
            for (long written = 0; written < size;)
            {
                var length = (int)Math.Min(block.Length, size - written);
                random.NextBytes(block.AsSpan(0, length));
                if (written == 0)
                {
                    VideoHeaders.Stamp(block.AsSpan(0, length), extension);
                }

                hash.AppendData(block, 0, length);
                await file.WriteAsync(block.AsMemory(0, length));
                written += length;
            }
        }

        return new RandomFile(path, size, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    public int ChunkCount(int chunkSize) => (int)((Size + chunkSize - 1) / chunkSize);

    /// <summary>The bytes of chunk <paramref name="chunkNumber"/> (all chunks are <paramref name="chunkSize"/> long but the last).</summary>
    public async Task<byte[]> ReadChunkAsync(int chunkNumber, int chunkSize)
    {
        var offset = (long)chunkNumber * chunkSize;
        var bytes = new byte[(int)Math.Min(chunkSize, Size - offset)];
        using var handle = File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        for (var read = 0; read < bytes.Length;)
        {
            var n = await RandomAccess.ReadAsync(handle, bytes.AsMemory(read), offset + read);
            if (n == 0)
            {
                throw new EndOfStreamException($"{Path} ended inside chunk {chunkNumber}");
            }

            read += n;
        }

        return bytes;
    }

    public static string Sha256Of(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
