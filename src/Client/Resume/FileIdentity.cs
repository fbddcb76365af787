// Why this file exists: a resumed upload must be the same file, so the resume store keys entries by what identifies
// a file cheaply: full path, size, last write time and the sha256 of its first 64 KiB (a file replaced in place with
// the same size and time still differs there, in practice).

using System.Security.Cryptography;

namespace Orleans.Uploads.Client.Resume;

/// <summary>What makes "the same file" for resume.</summary>
public sealed record FileIdentity(string Path, long Size, DateTime LastWriteUtc, string HeadSha256)
{
    private const int HeadLength = 64 * 1024;

    public static async Task<FileIdentity> OfAsync(string path, CancellationToken cancellationToken)
    {
        var info = new FileInfo(path);
        var head = new byte[(int)Math.Min(HeadLength, info.Length)];
        using (var handle = File.OpenHandle(info.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous))
        {
            for (var read = 0; read < head.Length;)
            {
                var n = await RandomAccess.ReadAsync(handle, head.AsMemory(read), read, cancellationToken);
                read += n > 0 ? n : throw new IOException($"{path} shrank while it was read");
            }
        }

        return new FileIdentity(info.FullName, info.Length, info.LastWriteTimeUtc, Convert.ToHexStringLower(SHA256.HashData(head)));
    }
}
