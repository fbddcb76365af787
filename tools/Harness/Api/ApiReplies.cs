namespace Orleans.Uploads.Harness;

// The seed API's answers as a client reads them (JSON, camelCase), shared by the tests that drive real processes.

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

public sealed record VideoReply(Guid Id, Guid UploadId, string Filename, string OriginalName, long Size, string Status, string? FileHash, string ContentUrl);

public sealed record ProblemReply(int Status, string? Code, string? Detail);
