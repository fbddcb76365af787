using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Gateway.Problems;

/// <summary>How a session's refusal reads over HTTP: one status and one stable code per reason.</summary>
public static class UploadErrorProblems
{
    public static (int Status, string Code) Describe(UploadErrorCode code) => code switch
    {
        UploadErrorCode.UploadNotFound => (404, "upload_not_found"),
        UploadErrorCode.FileTooLarge => (413, "file_too_large"),
        UploadErrorCode.UnsupportedFileType => (415, "unsupported_file_type"),
        UploadErrorCode.InvalidRequest => (400, "invalid_request"),
        UploadErrorCode.InvalidFilename => (400, "invalid_filename"),
        UploadErrorCode.InvalidChunkSize => (400, "invalid_chunk_size"),
        UploadErrorCode.InvalidFileSize => (400, "invalid_file_size"),
        UploadErrorCode.InvalidFileHash => (400, "invalid_file_hash"),
        UploadErrorCode.InvalidChunkHash => (400, "invalid_chunk_hash"),
        UploadErrorCode.ChunkOutOfRange => (400, "chunk_out_of_range"),
        UploadErrorCode.ChunkSizeMismatch => (400, "chunk_size_mismatch"),
        UploadErrorCode.ChunkHashMismatch => (422, "chunk_hash_mismatch"),
        UploadErrorCode.ChunkConflict => (409, "chunk_conflict"),
        UploadErrorCode.TooManyConcurrentChunks => (429, "too_many_concurrent_chunks"),
        UploadErrorCode.UploadCompleted => (409, "upload_completed"),
        UploadErrorCode.UploadCancelled => (410, "upload_cancelled"),
        UploadErrorCode.UploadExpired => (410, "upload_expired"),
        UploadErrorCode.UploadFailed => (409, "upload_failed"),
        UploadErrorCode.MissingChunks => (409, "missing_chunks"),
        UploadErrorCode.FileHashMismatch => (422, "file_hash_mismatch"),
        UploadErrorCode.OffsetMismatch => (409, "offset_mismatch"),
        UploadErrorCode.WrongUploadMode => (409, "wrong_upload_mode"),
        UploadErrorCode.StorageUnavailable => (503, "storage_unavailable"),
        UploadErrorCode.LengthMismatch => (400, "length_mismatch"),
        UploadErrorCode.LengthConflict => (400, "length_mismatch"),
        UploadErrorCode.AppendSuperseded => (409, "append_superseded"),
        UploadErrorCode.ContentMismatch => (415, "content_mismatch"),
        UploadErrorCode.QuotaExceeded => (507, "quota_exceeded"),
        UploadErrorCode.InsufficientStorage => (507, "insufficient_storage"),
        _ => (500, "internal_error"),
    };

    public static IResult ToProblem(this UploadError error)
    {
        var (status, code) = Describe(error.Code);
        var extensions = new List<KeyValuePair<string, object?>>();
        if (error.MissingChunks is { } missing)
        {
            extensions.Add(new("missingChunks", missing));
        }

        if (error.CurrentOffset is { } offset)
        {
            extensions.Add(new("uploadOffset", offset));
        }

        return Problem.Create(status, code, error.Detail, extensions);
    }
}
