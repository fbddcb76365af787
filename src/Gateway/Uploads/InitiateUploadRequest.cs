using System.Text.Json;

namespace Orleans.Uploads.Gateway.Uploads;

/// <summary>The body of <c>POST /api/uploads/initiate</c>.</summary>
public sealed record InitiateUploadRequest(
    string? Filename,
    long? FileSize,
    string? ProjectId,
    int? ChunkSize,
    string? FileHash,
    JsonElement? Metadata);
