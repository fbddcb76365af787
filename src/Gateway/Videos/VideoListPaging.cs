using System.Globalization;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Net.Http.Headers;
using Orleans.Uploads.Gateway.Problems;
using Orleans.Uploads.Grains.Catalog;

namespace Orleans.Uploads.Gateway.Videos;

/// <summary>
/// Paging of <c>GET /api/videos?projectId=</c>: <c>limit</c> (1..1000, default 100) and an opaque <c>cursor</c> (the
/// keyset after which the page starts). The body stays a JSON array, as clients have always read it; the next page is
/// announced in a <c>Link: &lt;...&gt;; rel="next"</c> header (RFC 8288), absent on the last page.
/// </summary>
public static class VideoListPaging
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>The page the query asks for, or the problem with it (400, codes invalid_limit and invalid_cursor).</summary>
    public static IResult? TryRead(string? limit, string? cursor, out int take, out VideoCursor? after)
    {
        take = DefaultLimit;
        after = null;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > MaxLimit))
        {
            return Problem.BadRequest("invalid_limit", $"limit must be a whole number from 1 to {MaxLimit}");
        }

        if (cursor is not null && !VideoCursor.TryDecode(cursor, out after))
        {
            return Problem.BadRequest("invalid_cursor", "cursor must be a value taken from a previous page's Link header");
        }

        return null;
    }

    /// <summary>Announces the next page, with the caller's own query but the new cursor.</summary>
    public static void LinkNext(HttpContext http, string projectId, int take, VideoCursor next)
    {
        var query = new QueryBuilder
        {
            { "projectId", projectId },
            { "limit", take.ToString(CultureInfo.InvariantCulture) },
            { "cursor", next.Encode() },
        };
        http.Response.Headers.Append(HeaderNames.Link, $"<{http.Request.PathBase}{http.Request.Path}{query}>; rel=\"next\"");
    }
}
