using System.Globalization;

namespace Orleans.Uploads.Gateway.Ietf;

/// <summary>
/// <c>Upload-Limit</c>, an RFC 8941 Dictionary of the limits a client must respect: the largest upload
/// (<c>max-size</c>, Uploads:MaxFileSize), the smallest (<c>min-size</c>, 0: content checks judge short files by their
/// type, not by a size), and how long the upload resource lives from now (<c>max-age</c>, seconds until it expires after
/// Uploads:UploadTimeout of idleness; every accepted byte starts that time again).
/// </summary>
public static class UploadLimitHeader
{
    public static string Format(long maxSize, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        var maxAge = Math.Max(0, (long)Math.Floor((expiresAt - now).TotalSeconds));
        return string.Create(CultureInfo.InvariantCulture, $"max-size={maxSize}, min-size=0, max-age={maxAge}");
    }
}
