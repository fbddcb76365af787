namespace Orleans.Uploads.Gateway.Ietf;

/// <summary>
/// Names from "Resumable Uploads for HTTP" (draft-ietf-httpbis-resumable-upload): header fields, the append media type
/// and the problem types the draft registers. Upload resources live at <c>/files/{id}</c>, next to tus 1.0's, on the same
/// sessions: a request names the draft by <c>Upload-Draft-Interop-Version</c>, a tus request by <c>Tus-Resumable</c>.
/// </summary>
public static class IetfProtocol
{
    public const string InteropVersion = "Upload-Draft-Interop-Version";
    public const string UploadComplete = "Upload-Complete";

    /// <summary>Interop versions before 4 said the opposite: <c>Upload-Incomplete: ?1</c>. Accepted where Upload-Complete is absent.</summary>
    public const string UploadIncomplete = "Upload-Incomplete";

    public const string UploadOffset = "Upload-Offset";
    public const string UploadLength = "Upload-Length";
    public const string UploadLimit = "Upload-Limit";

    /// <summary>The media type of an append request's content from interop version 6 on.</summary>
    public const string PartialUpload = "application/partial-upload";

    /// <summary>The interim status that hands out the upload's URL before the request's content has arrived.</summary>
    public const int UploadResumptionSupported = 104;

    public const string UploadResumptionSupportedReason = "Upload Resumption Supported";

    private const string ProblemTypes = "https://iana.org/assignments/http-problem-types#";

    /// <summary>409: the request's Upload-Offset is not the upload's.</summary>
    public const string MismatchingOffsetType = ProblemTypes + "mismatching-upload-offset";

    /// <summary>400: bytes for an upload that is already complete.</summary>
    public const string CompletedUploadType = ProblemTypes + "completed-upload";

    /// <summary>400: lengths that contradict each other or the upload's.</summary>
    public const string InconsistentLengthType = ProblemTypes + "inconsistent-upload-length";

    /// <summary>Headers a browser client must be allowed to send.</summary>
    public static readonly string[] RequestHeaders = [InteropVersion, UploadComplete, UploadIncomplete, UploadOffset, UploadLength];

    /// <summary>Headers a browser client must be allowed to read.</summary>
    public static readonly string[] ResponseHeaders = [InteropVersion, UploadComplete, UploadOffset, UploadLength, UploadLimit];

    public static string UploadPath(Guid uploadId) => $"/files/{uploadId:N}";
}
