using System.Security.Cryptography;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Grains.Tests.Infrastructure;

/// <summary>Random file content (seeded, so a failure reproduces) and its chunks.</summary>
public sealed class TestFile(int size, int chunkSize = UploadClusterFixture.ChunkSize, int seed = 1)
{
    public byte[] Bytes { get; } = Generate(size, seed);

    public UploadLayout Layout => new(Bytes.Length, chunkSize);

    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Bytes));

    public ChunkPayload Chunk(int number) => new(Bytes.AsMemory((int)Layout.OffsetOf(number), Layout.LengthOf(number)));

    public string ChunkSha256(int number) => Convert.ToHexStringLower(SHA256.HashData(Chunk(number).Data.Span));

    public ChunkPayload CorruptChunk(int number)
    {
        var copy = Chunk(number).Data.ToArray();
        copy[copy.Length / 2] ^= 0xFF;
        return new ChunkPayload(copy);
    }

    private static byte[] Generate(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
