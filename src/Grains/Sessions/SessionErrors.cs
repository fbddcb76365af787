namespace Orleans.Uploads.Grains.Sessions;

/// <summary>The refusals every capability of a session gives alike, worded once.</summary>
public static class SessionErrors
{
    public static UploadError NotFound() => new(UploadErrorCode.UploadNotFound, "no upload has this id");

    public static UploadError Invalid(string detail) => new(UploadErrorCode.InvalidRequest, detail);

    /// <summary>Why a final upload cannot take <paramref name="part"/>; an unknown part reads as <see cref="PartInfo.NotAPartialUpload"/>.</summary>
    public static UploadError CannotConcatenate(Guid part, string reason) => Invalid($"upload {part:N} cannot be concatenated: {reason}");

    public static UploadError StorageUnavailable() => new(UploadErrorCode.StorageUnavailable, "the chunk store could not be written; try again");

    public static UploadError InsufficientStorage() =>
        new(UploadErrorCode.InsufficientStorage, "the upload disk is nearly full; nothing of this request was stored, send it again later");

    public static UploadError FileTooLarge(long size, long limit) =>
        new(UploadErrorCode.FileTooLarge, $"{size} bytes is more than the {limit}-byte limit");

    /// <summary>Bytes that do not start like a container of the upload's extension (or a file too short to).</summary>
    public static UploadError ContentMismatch(string extension, ContainerSignature signature) => new(
        UploadErrorCode.ContentMismatch,
        $"a '{extension}' file starts with {signature.Description} (its first {signature.Length} bytes); this content does not, so it was not stored");

    /// <summary>A file shorter than its extension's signature cannot be a video of that kind, whatever its bytes.</summary>
    public static UploadError? RefuseShortContent(string extension, long totalSize) =>
        ContainerSignature.For(extension) is { } signature && totalSize < signature.Length ? ContentMismatch(extension, signature) : null;

    /// <summary>Why a session in this state takes no more bytes, or null while it does.</summary>
    public static UploadError? RefuseBytes(UploadSessionState state) => state.Status switch
    {
        UploadStatus.None => NotFound(),
        UploadStatus.Completed => new UploadError(UploadErrorCode.UploadCompleted, "the upload is already complete"),
        UploadStatus.Cancelled => new UploadError(UploadErrorCode.UploadCancelled, "the upload was cancelled"),
        UploadStatus.Expired => new UploadError(UploadErrorCode.UploadExpired, "the upload expired: " + state.FailureReason),
        UploadStatus.Failed => new UploadError(UploadErrorCode.UploadFailed, "the upload failed: " + state.FailureReason),
        _ => null,
    };

    /// <summary>A chunk store failure is reported to the client as retryable; anything else is a bug and propagates.</summary>
    public static bool IsStorageFailure(Exception ex) => ex is IOException or UnauthorizedAccessException;

    public static bool TryParseSha256(string hex, out byte[] hash)
    {
        hash = [];
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        hash = Convert.FromHexString(hex);
        return true;
    }
}
