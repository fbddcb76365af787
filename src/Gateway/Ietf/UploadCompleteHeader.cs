namespace Orleans.Uploads.Gateway.Ietf;

/// <summary>
/// <c>Upload-Complete</c>, an RFC 8941 Boolean (<c>?1</c> or <c>?0</c>): whether a request's content ends the upload.
/// Clients of old interop versions send <c>Upload-Incomplete</c>, its negation; it is read when Upload-Complete is absent.
/// Parameters after the value (<c>?1;a=b</c>) are allowed by RFC 8941 and ignored.
/// </summary>
public static class UploadCompleteHeader
{
    /// <summary>True or false as the request says; null with <paramref name="error"/> set when it says neither, or says it wrong.</summary>
    public static bool? Parse(HttpRequest request, out string? error)
    {
        error = null;
        if (request.Headers.TryGetValue(IetfProtocol.UploadComplete, out var complete))
        {
            return ParseBoolean(complete, IetfProtocol.UploadComplete, out error);
        }

        if (request.Headers.TryGetValue(IetfProtocol.UploadIncomplete, out var incomplete))
        {
            return !ParseBoolean(incomplete, IetfProtocol.UploadIncomplete, out error);
        }

        error = $"send {IetfProtocol.UploadComplete}: ?1 when this request's content ends the upload, ?0 when more follows";
        return null;
    }

    public static string Format(bool complete) => complete ? "?1" : "?0";

    private static bool? ParseBoolean(Microsoft.Extensions.Primitives.StringValues header, string name, out string? error)
    {
        error = null;
        var value = header.Count == 1 ? header.ToString().Trim() : "";
        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        switch (semicolon < 0 ? value : value[..semicolon])
        {
            case "?1":
                return true;
            case "?0":
                return false;
            default:
                error = $"{name} must be a structured-field Boolean: ?1 or ?0";
                return null;
        }
    }
}
