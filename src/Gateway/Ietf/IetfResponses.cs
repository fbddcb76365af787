using System.Globalization;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Gateway.Ietf;

/// <summary>
/// The header fields the draft puts on its answers: where the upload stands (Upload-Offset, Upload-Complete,
/// Upload-Length once known) and its limits (Upload-Limit, while it still takes bytes).
/// </summary>
public static class IetfResponses
{
    public static void SetState(HttpContext http, long offset, UploadStatus status, long? length, DateTimeOffset expiresAt, long maxSize)
    {
        var headers = http.Response.Headers;
        headers[IetfProtocol.UploadOffset] = offset.ToString(CultureInfo.InvariantCulture);
        headers[IetfProtocol.UploadComplete] = UploadCompleteHeader.Format(status == UploadStatus.Completed);
        if (length is { } known)
        {
            headers[IetfProtocol.UploadLength] = known.ToString(CultureInfo.InvariantCulture);
        }

        if (status.AcceptsBytes())
        {
            headers[IetfProtocol.UploadLimit] = UploadLimitHeader.Format(maxSize, expiresAt, Now(http));
        }
    }

    /// <summary>The clock the sessions use (a test's fake one included), for max-age.</summary>
    public static DateTimeOffset Now(HttpContext http) => (http.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
}
