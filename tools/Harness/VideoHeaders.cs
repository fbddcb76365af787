namespace Orleans.Uploads.Harness;

/// <summary>
/// Makes generated test and benchmark bytes start like a video of their extension, since the service refuses an upload
/// whose first bytes are no container of its extension (415 content_mismatch). Random data gets a real header stamped
/// over its first bytes; everything after stays random, so hashes and sizes are still those of the generated data.
/// </summary>
public static class VideoHeaders
{
    /// <summary>The longest header stamped (AVI's <c>RIFF....AVI </c>): data at least this long can take any of them.</summary>
    public const int MaxLength = 12;

    /// <summary>Overwrites the start of <paramref name="start"/> (a file's first bytes) with a header for <paramref name="extension"/>.</summary>
    public static void Stamp(Span<byte> start, string extension = ".mp4")
    {
        var header = For(extension);
        header.AsSpan(0, Math.Min(header.Length, start.Length)).CopyTo(start);
    }

    /// <summary>A minimal header for the extension: MP4/MOV/M4V an <c>ftyp</c> box, AVI a RIFF header, MKV/WebM the EBML magic.</summary>
    public static byte[] For(string extension) => extension.ToLowerInvariant() switch
    {
        ".mp4" or ".m4v" or ".mov" => [0x00, 0x00, 0x00, 0x18, .. "ftypisom"u8],
        ".avi" => [.. "RIFF"u8, 0x00, 0x00, 0x00, 0x00, .. "AVI "u8],
        ".mkv" or ".webm" => [0x1A, 0x45, 0xDF, 0xA3],
        _ => throw new ArgumentException($"no video header is known for '{extension}'", nameof(extension)),
    };
}
