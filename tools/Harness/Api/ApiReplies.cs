namespace Orleans.Uploads.Harness;

// The seed API's requests and answers as a client writes and reads them (JSON, camelCase): what UploadsApiClient
// sends and returns, so tests and the bench read the API through one set of types.

/// <summary>The body of <c>POST /api/uploads/initiate</c>; members left null are sent as null, which the API reads as absent.</summary>
public sealed record InitiateRequest(
    string Filename, long FileSize, string? ProjectId = null, int? ChunkSize = null, string? FileHash = null, object? Metadata = null);

public sealed record InitiateReply(Guid UploadId, int ChunkSize, int TotalChunks, string Status, DateTimeOffset ExpiresAt);

public sealed record ChunkReply(
    Guid UploadId, int ChunkNumber, int CompletedChunks, int TotalChunks, long UploadedBytes, double ProgressPercentage, string Status, bool AlreadyStored);

public sealed record StatusReply(
    Guid UploadId,
    string Filename,
    long? TotalSize,
    int ChunkSize,
    int TotalChunks,
    int CompletedChunks,
    long UploadedBytes,
    string Status,
    int[] MissingChunks,
    int[] FailedChunks,
    int ChunkRetries,
    DateTimeOffset LastActivityAt,
    DateTimeOffset ExpiresAt,
    string? FileHash,
    string? FailureReason);

public sealed record VideoReply(
    Guid Id, Guid UploadId, string? ProjectId, string Filename, string OriginalName, long Size, string Status, DateTimeOffset CreatedAt, string? FileHash, string ContentUrl,
    string? ScanStatus = null);

public sealed record ProblemReply(int Status, string? Code, string? Detail);
