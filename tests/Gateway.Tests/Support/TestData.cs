using System.Security.Cryptography;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Support;

/// <summary>Deterministic "video" bytes and digests.</summary>
public static class TestData
{
    /// <summary>
    /// Random-looking bytes, the same for the same seed on every run, that start with an MP4 header (<see cref="VideoHeaders"/>):
    /// the service checks an upload's first bytes against its extension, and most tests name their uploads <c>.mp4</c>.
    /// </summary>
    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
#pragma warning disable CA5394 // Test data, not security: a fixed seed makes runs repeatable.
        new Random(seed).NextBytes(bytes);
#pragma warning restore CA5394
        VideoHeaders.Stamp(bytes);
        return bytes;
    }

    /// <summary>Like <see cref="RandomBytes"/>, starting with the header of another video extension.</summary>
    public static byte[] RandomVideo(int length, int seed, string extension)
    {
        var bytes = RandomBytes(length, seed);
        VideoHeaders.Stamp(bytes, extension);
        return bytes;
    }

    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>The stored name of a finished upload: its id without dashes and the (sanitized) extension.</summary>
    public static string StorageKey(Guid uploadId, string extension = ".mp4") => uploadId.ToString("N") + extension;
}
