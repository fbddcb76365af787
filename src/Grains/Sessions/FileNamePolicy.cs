namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// Turns a client-supplied file name into a display name and an allowed extension.
/// The display name is only ever shown; storage paths come from the upload id.
/// </summary>
public static class FileNamePolicy
{
    private const int MaxLength = 255;

    /// <summary>Returns the last path segment without control characters, or null when nothing usable remains.</summary>
    public static string? Sanitize(string? filename)
    {
        if (string.IsNullOrWhiteSpace(filename))
        {
            return null;
        }

        var lastSegment = filename.Replace('\\', '/').Split('/').Last();
        var cleaned = new string(lastSegment.Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (cleaned.Length == 0 || cleaned.Trim('.').Length == 0)
        {
            return null;
        }

        return cleaned.Length <= MaxLength ? cleaned : cleaned[^MaxLength..];
    }

    /// <summary>The lower-cased extension, including the dot; empty when there is none.</summary>
    public static string ExtensionOf(string sanitizedName) => Path.GetExtension(sanitizedName).ToLowerInvariant();
}
