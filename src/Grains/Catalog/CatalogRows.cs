namespace Orleans.Uploads.Grains.Catalog;

/// <summary>
/// The rows of the seed's tables (<c>upload_sessions</c>, <c>upload_chunks</c>, <c>videos</c>) as plain values: what the
/// grains hand the <see cref="CatalogProjector"/> and what an <see cref="IUploadCatalog"/> writes. They are a projection of
/// grain state, never read back by the grains.
/// </summary>
/// <param name="Revision">The session state's write counter: a row is only ever replaced by one of a higher or equal revision.</param>
public sealed record UploadRow(
    Guid Id,
    string Filename,
    string OriginalFilename,
    long? TotalSize,
    long UploadedSize,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt,
    string? ProjectId,
    string? FileHash,
    string? Metadata,
    string Protocol,
    long Revision);

/// <summary>One stored chunk of an upload. Unique per (upload, chunk number): writing it again never adds a row.</summary>
public sealed record ChunkRow(
    Guid UploadSessionId,
    int ChunkNumber,
    long Size,
    string Status,
    string? Hash,
    DateTimeOffset UploadedAt,
    int RetryCount);

/// <summary>One finished video, keyed like its grain (the id of the upload that produced it).</summary>
public sealed record VideoRow(
    Guid Id,
    Guid UploadSessionId,
    string? ProjectId,
    string Filename,
    string OriginalFilename,
    long Size,
    string Status,
    DateTimeOffset CreatedAt,
    string? FileHash,
    string? Metadata,
    string ScanStatus);

/// <summary>A video row to write, or (<see cref="Row"/> null) the video <see cref="Id"/> to delete.</summary>
public sealed record VideoChange(Guid Id, VideoRow? Row);

/// <summary>What one transaction writes: session upserts (revision-guarded), chunk upserts, video upserts and deletions.</summary>
public sealed record CatalogBatch(
    IReadOnlyCollection<UploadRow> Uploads,
    IReadOnlyCollection<ChunkRow> Chunks,
    IReadOnlyCollection<VideoChange> Videos)
{
    public bool IsEmpty => Uploads.Count == 0 && Chunks.Count == 0 && Videos.Count == 0;

    public int Count => Uploads.Count + Chunks.Count + Videos.Count;
}
