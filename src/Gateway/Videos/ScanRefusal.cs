using Orleans.Uploads.Grains.Scanning;
using Orleans.Uploads.Grains.Videos;
using Orleans.Uploads.Gateway.Problems;

namespace Orleans.Uploads.Gateway.Videos;

/// <summary>
/// Why a video's content is not served, by its scan status: only <c>clean</c> and <c>unscanned</c> videos are. Pending is
/// 409 <c>scan_pending</c> with Retry-After (ask again shortly), infected 403 <c>video_quarantined</c> (never), and
/// scan_failed 409 <c>scan_failed</c> (not until an operator rescans it).
/// </summary>
public static class ScanRefusal
{
    /// <summary>Seconds a client is told to wait for a pending scan: most scans take seconds.</summary>
    public const int PendingRetryAfterSeconds = 5;

    public static IResult? Of(VideoRecord video) => video.ScanStatus switch
    {
        _ when ScanStatus.IsServable(video.ScanStatus) => null,
        ScanStatus.Pending => new WithRetryAfter(
            Problem.Create(StatusCodes.Status409Conflict, "scan_pending", "the video is being scanned; its content is served once it is found clean"),
            PendingRetryAfterSeconds),
        ScanStatus.Infected => Problem.Create(StatusCodes.Status403Forbidden, "video_quarantined", "the scanner found the video infected; it is quarantined and never served"),
        _ => Problem.Create(StatusCodes.Status409Conflict, "scan_failed", "the video could not be scanned, so its content is not served"),
    };

    private sealed class WithRetryAfter(IResult inner, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
