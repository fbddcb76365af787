using System.Security.Cryptography;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Cluster.Tests.RealCluster;

/// <summary>A few MiB of seeded random bytes starting with an MP4 header (the service checks it), held in memory, cut into the cluster's chunks.</summary>
public sealed class SeededFile
{
    public SeededFile(int size, int seed, int chunkSize = RealClusterFixture.ChunkSize)
    {
        Bytes = new byte[size];
        new Random(seed).NextBytes(Bytes);
        VideoHeaders.Stamp(Bytes);
        ChunkSize = chunkSize;
        Sha256 = Sha256Of(Bytes);
    }

    public byte[] Bytes { get; }

    public int Size => Bytes.Length;

    public int ChunkSize { get; }

    public int ChunkCount => (Size + ChunkSize - 1) / ChunkSize;

    /// <summary>Lower-case hex sha256 of the whole file.</summary>
    public string Sha256 { get; }

    public ReadOnlyMemory<byte> Chunk(int chunkNumber) => ChunkOf(Bytes, chunkNumber, ChunkSize);

    public string ChunkSha256(int chunkNumber) => Sha256Of(Chunk(chunkNumber).Span);

    public static ReadOnlyMemory<byte> ChunkOf(byte[] bytes, int chunkNumber, int chunkSize)
    {
        var offset = chunkNumber * chunkSize;
        return bytes.AsMemory(offset, Math.Min(chunkSize, bytes.Length - offset));
    }

    public static string Sha256Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
