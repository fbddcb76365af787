using System.Globalization;
using Orleans.Uploads.Gateway.Bodies;
using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Videos;

namespace Orleans.Uploads.Gateway.Ietf;

/// <summary>
/// One request's content into an upload (a creation's or an append's), the way tus streams a PATCH: in pieces under the
/// request's append lease (a newer request for the upload ends this one), committed every chunk size and at the end
/// (see <see cref="AppendBodyStreamer"/>), so a broken connection keeps every byte that arrived. <c>Upload-Complete: ?1</c> fixes the upload's length at what is stored
/// once the content ended (a creation declares offset plus Content-Length up front, as the session's size), and an
/// upload whose last byte arrived is completed and answered with its video. Hazard: an append's length is not declared
/// before its bytes, or a wrong Upload-Offset would read as a wrong length (the session checks a declared length before
/// the offset); so a ?1 append that falls short stores its bytes and is then refused as an inconsistent length.
/// While the content arrives, 104s with Upload-Offset (and the interim headers given) report what is committed.
/// </summary>
public static class IetfBodies
{
    public static async Task<IetfReceipt> ReceiveAsync(
        HttpContext http, IGrainFactory grains, Guid uploadId, long offset, bool complete, long? uploadLength, int pieceSize, BodyBuffers buffers,
        IReadOnlyList<KeyValuePair<string, string>> interimHeaders)
    {
        var bodyLength = http.Request.ContentLength;
        if (complete && bodyLength is { } body && uploadLength is { } length && length != offset + body)
        {
            return IetfReceipt.Refused(IetfProblems.InconsistentLength(
                $"Upload-Complete: ?1 with {body} bytes at offset {offset} makes {offset + body} bytes, but Upload-Length is {length}"));
        }

        var session = grains.GetGrain<IAppendUploadGrain>(uploadId);
        var outcome = await AppendBodyStreamer.StreamAsync(
            session, new AppendRequest(offset, bodyLength, pieceSize, uploadLength), http.Request.Body, buffers, http.RequestAborted, ProgressInterims.For(http, interimHeaders));
        if (outcome.Error is { } error)
        {
            if (error is { Code: UploadErrorCode.OffsetMismatch, CurrentOffset: { } expected })
            {
                // Where the upload really stands, for a client that resumes from the answer rather than a HEAD.
                http.Response.Headers[IetfProtocol.UploadOffset] = expected.ToString(CultureInfo.InvariantCulture);
                http.Response.Headers[IetfProtocol.UploadComplete] = UploadCompleteHeader.Format(false);
            }

            return IetfReceipt.Refused(IetfProblems.From(error, offset));
        }

        var stored = outcome.Progress!;
        if (complete && stored.Status != UploadStatus.Completed)
        {
            // The content's length was unknown until it ended: the upload is as long as what is stored now.
            var declaredNow = await session.DeclareLengthAsync(stored.DurableOffset);
            if (declaredNow.Error is { } declareError)
            {
                return IetfReceipt.Refused(IetfProblems.From(declareError));
            }
        }

        if (complete || stored.Status == UploadStatus.Completed)
        {
            var completed = await grains.GetGrain<IUploadCompletionGrain>(uploadId).CompleteAsync();
            return completed.Value is { } video
                ? new IetfReceipt(stored with { Status = UploadStatus.Completed }, video, null)
                : IetfReceipt.Refused(IetfProblems.From(completed.Error!));
        }

        return new IetfReceipt(stored, null, null);
    }
}

/// <summary>How a request's content went: the upload's progress after it and, once complete, its video; or the refusal.</summary>
public sealed record IetfReceipt(AppendProgress? Progress, VideoRecord? Video, IResult? Problem)
{
    public static IetfReceipt Refused(IResult problem) => new(null, null, problem);
}
