// Why this file exists: the tests push generated videos: seeded random bytes written in blocks (never whole in memory)
// that start like an MP4 (the server refuses other first bytes), with their sha256.

using System.Security.Cryptography;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Client.Tests.Support;

public static class VideoFile
{
    /// <summary>Writes <paramref name="size"/> bytes to <paramref name="path"/> and returns their lower-case hex sha256.</summary>
    public static async Task<string> WriteAsync(string path, long size, int seed = 1)
    {
        var random = new Random(seed);
        var block = new byte[1024 * 1024];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous);
        for (long written = 0; written < size;)
        {
            var length = (int)Math.Min(block.Length, size - written);
            random.NextBytes(block.AsSpan(0, length));
            if (written == 0)
            {
                VideoHeaders.Stamp(block.AsSpan(0, length), Path.GetExtension(path) is ".mp4" or ".mov" or ".mkv" or ".avi" ? Path.GetExtension(path) : ".mp4");
            }

            hash.AppendData(block, 0, length);
            await file.WriteAsync(block.AsMemory(0, length));
            written += length;
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public static async Task<string> Sha256Async(string path)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file));
    }
}
