using System.Globalization;

namespace Orleans.Uploads.Gateway.Ietf;

/// <summary>The draft's integer header fields (Upload-Offset, Upload-Length): non-negative decimal integers, as tus reads them.</summary>
public static class IetfHeaders
{
    /// <summary>False when Upload-Length is there but no such integer; <paramref name="length"/> is null when it is absent.</summary>
    public static bool TryParseLength(HttpRequest request, out long? length) => TryParseOptional(request, IetfProtocol.UploadLength, out length);

    /// <summary>False when Upload-Offset is absent or no such integer.</summary>
    public static bool TryParseOffset(HttpRequest request, out long offset)
    {
        var parsed = TryParseOptional(request, IetfProtocol.UploadOffset, out var value) && value is not null;
        offset = value ?? 0;
        return parsed;
    }

    private static bool TryParseOptional(HttpRequest request, string name, out long? value)
    {
        value = null;
        if (!request.Headers.TryGetValue(name, out var header))
        {
            return true;
        }

        if (header.Count != 1 || !long.TryParse(header.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        value = number;
        return true;
    }
}
