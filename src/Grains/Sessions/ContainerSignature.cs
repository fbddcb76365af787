namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// The first bytes a video container of an extension starts with, so a text file renamed <c>notes.mp4</c> is refused
/// when its first bytes arrive rather than stored as a video. Each extension has one or more patterns of the same
/// length; a <c>null</c> byte in a pattern matches anything (the box or chunk size in front of the container's tag).
/// An extension with no pattern here (one an operator added to <c>Uploads:AllowedExtensions</c>) is not checked.
/// </summary>
public sealed class ContainerSignature
{
    private static readonly byte?[] Ftyp = Boxed("ftyp");

    // ISO base media (MP4, M4V): an 'ftyp' box first. QuickTime files from older tools may open with another top-level
    // atom instead ('moov', 'mdat', 'wide', 'free', 'skip', 'pnot'), so .mov takes those too.
    private static readonly Dictionary<string, ContainerSignature> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".mp4"] = new("an MP4 'ftyp' box", Ftyp),
        [".m4v"] = new("an MP4 'ftyp' box", Ftyp),
        [".mov"] = new("a QuickTime atom ('ftyp', 'moov', 'mdat', 'wide', 'free', 'skip' or 'pnot')",
            Ftyp, Boxed("moov"), Boxed("mdat"), Boxed("wide"), Boxed("free"), Boxed("skip"), Boxed("pnot")),
        [".avi"] = new("a RIFF 'AVI ' header", [.. Ascii("RIFF"), null, null, null, null, .. Ascii("AVI ")]),
        [".mkv"] = new("an EBML header (1A 45 DF A3)", Ebml()),
        [".webm"] = new("an EBML header (1A 45 DF A3)", Ebml()),
    };

    private readonly byte?[][] _patterns;

    private ContainerSignature(string description, params byte?[][] patterns)
    {
        Description = description;
        _patterns = patterns;
    }

    /// <summary>How many bytes from offset 0 decide the check.</summary>
    public int Length => _patterns[0].Length;

    /// <summary>What the file must start with, for messages.</summary>
    public string Description { get; }

    /// <summary>The signature for an extension (with its dot, any case), or null when it has none.</summary>
    public static ContainerSignature? For(string extension) => ByExtension.GetValueOrDefault(extension);

    /// <summary>
    /// Judges a file's first bytes (<paramref name="head"/> starts at offset 0 and may be shorter than <see cref="Length"/>):
    /// true once no pattern fits them; false while one does, even if it needs more bytes to be sure.
    /// </summary>
    public bool Refuses(ReadOnlySpan<byte> head)
    {
        foreach (var pattern in _patterns)
        {
            if (Fits(pattern, head))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Fits(byte?[] pattern, ReadOnlySpan<byte> head)
    {
        var length = Math.Min(pattern.Length, head.Length);
        for (var i = 0; i < length; i++)
        {
            if (pattern[i] is { } expected && head[i] != expected)
            {
                return false;
            }
        }

        return true;
    }

    private static byte?[] Boxed(string tag) => [null, null, null, null, .. Ascii(tag)];

    private static byte?[] Ascii(string text) => [.. text.Select(c => (byte?)c)];

    private static byte?[] Ebml() => [0x1A, 0x45, 0xDF, 0xA3];
}
