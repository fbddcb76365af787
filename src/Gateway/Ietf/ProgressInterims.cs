using System.Globalization;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Gateway.Ietf;

/// <summary>
/// Tells the client how far its upload is while the request's content still arrives: after every committed piece but
/// the last (whose offset the final answer carries), a <c>104 Upload Resumption Supported</c> with <c>Upload-Offset</c>,
/// as the draft allows interim responses to. Only where <see cref="InterimResponses"/> can send one (HTTP/1.1 under
/// Kestrel). Hazard: it runs between two grain calls of the request, never while the final response is being written.
/// </summary>
public static class ProgressInterims
{
    public static Func<AppendProgress, Task> For(HttpContext http, IReadOnlyList<KeyValuePair<string, string>> headers) =>
        progress => InterimResponses.TrySendAsync(
            http,
            IetfProtocol.UploadResumptionSupported,
            IetfProtocol.UploadResumptionSupportedReason,
            [.. headers, new(IetfProtocol.UploadOffset, progress.DurableOffset.ToString(CultureInfo.InvariantCulture))]);
}
