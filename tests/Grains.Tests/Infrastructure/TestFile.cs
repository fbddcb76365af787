using System.Security.Cryptography;
using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Grains.Tests.Infrastructure;

/// <summary>
/// Random file content (seeded, so a failure reproduces) and its chunks. It starts with a header of its extension
/// (<see cref="VideoHeaders"/>), since sessions refuse first bytes that are no container of the upload's extension.
/// </summary>
public sealed class TestFile(int size, int chunkSize = UploadClusterFixture.ChunkSize, int seed = 1, string extension = ".mp4")
{
    public byte[] Bytes { get; } = Generate(size, seed, extension);

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

    private static byte[] Generate(int size, int seed, string extension)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        VideoHeaders.Stamp(bytes, extension);
        return bytes;
    }
}
