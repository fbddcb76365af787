namespace Orleans.Uploads.Gateway.Tus;

/// <summary>Names from the tus 1.0.0 resumable upload protocol.</summary>
public static class TusProtocol
{
    public const string Version = "1.0.0";
    public const string Extensions = "creation,creation-with-upload,creation-defer-length,expiration,checksum,termination,concatenation";
    public const string ChecksumAlgorithms = "sha1,sha256,md5";
    public const string OffsetOctetStream = "application/offset+octet-stream";
    public const int ChecksumMismatchStatus = 460;

    public const string Resumable = "Tus-Resumable";
    public const string TusVersion = "Tus-Version";
    public const string TusExtension = "Tus-Extension";
    public const string TusMaxSize = "Tus-Max-Size";
    public const string TusChecksumAlgorithm = "Tus-Checksum-Algorithm";
    public const string UploadOffset = "Upload-Offset";
    public const string UploadLength = "Upload-Length";
    public const string UploadDeferLength = "Upload-Defer-Length";
    public const string UploadMetadata = "Upload-Metadata";
    public const string UploadExpires = "Upload-Expires";
    public const string UploadConcat = "Upload-Concat";
    public const string UploadChecksum = "Upload-Checksum";

    /// <summary>Headers a browser client must be allowed to send.</summary>
    public static readonly string[] RequestHeaders =
        [Resumable, UploadOffset, UploadLength, UploadDeferLength, UploadMetadata, UploadConcat, UploadChecksum, "X-HTTP-Method-Override", "X-Requested-With", "Content-Type"];

    /// <summary>Headers a browser client must be allowed to read.</summary>
    public static readonly string[] ResponseHeaders =
        ["Location", Resumable, TusVersion, TusExtension, TusMaxSize, TusChecksumAlgorithm, UploadOffset, UploadLength, UploadDeferLength, UploadMetadata, UploadExpires, UploadConcat];

    public static string UploadPath(Guid uploadId) => $"/files/{uploadId:N}";

    /// <summary>The upload id at the end of a tus upload URL, absolute or relative.</summary>
    public static bool TryParseUploadUrl(string url, out Guid uploadId)
    {
        var path = Uri.TryCreate(url, UriKind.Absolute, out var absolute) ? absolute.AbsolutePath : url;
        return Guid.TryParse(path.TrimEnd('/').Split('/').Last(), out uploadId);
    }
}
