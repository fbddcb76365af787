using Microsoft.Net.Http.Headers;

namespace Orleans.Uploads.Gateway.Videos;

/// <summary>
/// RFC 9110 §14.2: a server ignores a Range header whose unit it does not know, answering 200 with the whole content.
/// ASP.NET's range processing reads ranges of any unit as bytes (<c>Range: furlongs=0-5</c> got 206 and six bytes), so
/// a request for another unit loses its Range header before the file result sees it.
/// </summary>
public static class RangeUnits
{
    /// <summary>The only range unit served.</summary>
    public const string Bytes = "bytes";

    public static void IgnoreUnknownUnit(HttpRequest request)
    {
        var range = request.Headers.Range.ToString();
        if (range.Length == 0)
        {
            return;
        }

        var equals = range.IndexOf('=', StringComparison.Ordinal);
        var unit = (equals < 0 ? range : range[..equals]).Trim();
        if (!unit.Equals(Bytes, StringComparison.OrdinalIgnoreCase))
        {
            request.Headers.Remove(HeaderNames.Range);
        }
    }
}
