using System.Text.Json;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Gateway.Uploads;

/// <summary>The answer to initiate. <c>uploadToken</c> opens this one upload: a backend hands it, with the id, to the browser that sends the bytes.</summary>
public sealed record InitiateUploadResponse(Guid UploadId, string UploadToken, int ChunkSize, int TotalChunks, UploadStatus Status, DateTimeOffset ExpiresAt)
{
    public static InitiateUploadResponse From(UploadSnapshot s, string uploadToken) => new(s.UploadId, uploadToken, s.ChunkSize, s.TotalChunks, s.Status, s.ExpiresAt);
}

public sealed record ChunkResponse(
    Guid UploadId, int ChunkNumber, int CompletedChunks, int TotalChunks, long UploadedBytes, double ProgressPercentage, UploadStatus Status, bool AlreadyStored)
{
    public static ChunkResponse From(ChunkReceipt r) =>
        new(r.UploadId, r.ChunkNumber, r.CompletedChunks, r.TotalChunks, r.UploadedBytes, r.ProgressPercentage, r.Status, r.AlreadyStored);
}

public sealed record UploadStatusResponse(
    Guid UploadId,
    string Filename,
    string? ProjectId,
    long? TotalSize,
    int ChunkSize,
    int TotalChunks,
    int CompletedChunks,
    long UploadedBytes,
    double ProgressPercentage,
    UploadStatus Status,
    int[] MissingChunks,
    int[] FailedChunks,
    int ChunkRetries,
    double UploadSpeed,
    double? EstimatedTimeRemaining,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastActivityAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? CompletedAt,
    string? FileHash,
    string? FailureReason,
    JsonElement? Metadata)
{
    public static UploadStatusResponse From(UploadSnapshot s) => new(
        s.UploadId, s.Filename, s.ProjectId, s.TotalSize, s.ChunkSize, s.TotalChunks, s.CompletedChunks, s.UploadedBytes,
        s.ProgressPercentage, s.Status, s.MissingChunks, s.FailedChunks, s.ChunkRetries, s.UploadSpeed, s.EstimatedTimeRemaining,
        s.CreatedAt, s.LastActivityAt, s.ExpiresAt, s.CompletedAt, s.FileHash, s.FailureReason, RequestRules.ParseMetadata(s.MetadataJson));
}
