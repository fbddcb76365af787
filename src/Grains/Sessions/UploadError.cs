namespace Orleans.Uploads.Grains.Sessions;

/// <summary>Why a session refused a request. The gateway maps each code to an HTTP status and a stable problem code.</summary>
[GenerateSerializer, Alias("uploads.UploadErrorCode")]
public enum UploadErrorCode
{
    UploadNotFound = 1,
    FileTooLarge = 2,
    UnsupportedFileType = 3,
    InvalidRequest = 4,
    InvalidFilename = 5,
    InvalidChunkSize = 6,
    ChunkOutOfRange = 7,
    ChunkSizeMismatch = 8,
    ChunkHashMismatch = 9,
    ChunkConflict = 10,
    TooManyConcurrentChunks = 11,
    UploadCompleted = 12,
    UploadCancelled = 13,
    UploadExpired = 14,
    UploadFailed = 15,
    MissingChunks = 16,
    FileHashMismatch = 17,
    OffsetMismatch = 18,
    WrongUploadMode = 19,
    StorageUnavailable = 20,
    LengthMismatch = 21,
    AppendSuperseded = 22,
    InvalidFileSize = 23,
    InvalidFileHash = 24,
    InvalidChunkHash = 25,

    /// <summary>A total size that contradicts the one already declared or the bytes already stored (as opposed to <see cref="LengthMismatch"/>: bytes past the size).</summary>
    LengthConflict = 26,

    /// <summary>An upload's first bytes do not start like a container of its extension (see <see cref="ContainerSignature"/>).</summary>
    ContentMismatch = 27,

    /// <summary>The project's or the caller's bytes in unfinished uploads would pass their quota.</summary>
    QuotaExceeded = 28,

    /// <summary>The write would take the store's disk below its free-space floor; nothing of it was stored.</summary>
    InsufficientStorage = 29,
}

[GenerateSerializer, Immutable, Alias("uploads.UploadError")]
public sealed record UploadError(
    [property: Id(0)] UploadErrorCode Code,
    [property: Id(1)] string Detail,
    [property: Id(2)] int[]? MissingChunks = null,
    [property: Id(3)] long? CurrentOffset = null);

/// <summary>A grain answer: a value or the reason there is none. Errors are values, not exceptions, so they cross the wire cheaply.</summary>
[GenerateSerializer, Immutable, Alias("uploads.UploadResult`1")]
public sealed class UploadResult<T>
{
    [Id(0)]
    public T? Value { get; init; }

    [Id(1)]
    public UploadError? Error { get; init; }

    public bool IsSuccess => Error is null;

    public static implicit operator UploadResult<T>(UploadError error) => new() { Error = error };
}

public static class UploadResult
{
    public static UploadResult<T> Ok<T>(T value) => new() { Value = value };
}
