// Why this file exists: what the resume store remembers about one unfinished upload.
// Hazard: the upload token opens the upload; the store file is created readable by its owner only.

namespace Orleans.Uploads.Client.Resume;

/// <summary>An unfinished upload of <see cref="File"/> to <see cref="Server"/>, and when it was last touched.</summary>
public sealed record ResumeEntry(
    FileIdentity File, string Server, string? ProjectId, Guid UploadId, string UploadToken, int ChunkSize, string FileHash, DateTimeOffset SavedAt);
