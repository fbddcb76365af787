// Why this file exists: the seed API's JSON (camelCase) as the client reads and writes it, in one place.

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orleans.Uploads.Client.Api;

/// <summary>The body of <c>POST /api/uploads/initiate</c>.</summary>
public sealed record InitiateRequest(
    string Filename,
    long FileSize,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ProjectId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ChunkSize,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FileHash,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Metadata);

/// <summary>201 of initiate: the upload, its token (opens this one upload) and its chunk layout.</summary>
public sealed record InitiatedUpload(Guid UploadId, string UploadToken, int ChunkSize, int TotalChunks, string Status, DateTimeOffset ExpiresAt);

/// <summary>200 of a chunk PUT.</summary>
public sealed record ChunkReceipt(Guid UploadId, int ChunkNumber, int CompletedChunks, int TotalChunks, long UploadedBytes, string Status, bool AlreadyStored);

/// <summary><c>GET /api/uploads/{id}</c>: progress, and which chunks the server still needs.</summary>
public sealed record UploadStatusInfo(
    Guid UploadId,
    string Filename,
    string? ProjectId,
    long? TotalSize,
    int ChunkSize,
    int TotalChunks,
    int CompletedChunks,
    long UploadedBytes,
    double ProgressPercentage,
    string Status,
    int[] MissingChunks,
    int[] FailedChunks,
    double UploadSpeed,
    double? EstimatedTimeRemaining,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? CompletedAt,
    string? FileHash,
    string? FailureReason)
{
    /// <summary>Still taking chunks (not completed, cancelled, expired or failed).</summary>
    [JsonIgnore]
    public bool IsOpen => Status is "initiated" or "uploading";
}

/// <summary>A finished video (<c>GET /api/videos/{id}</c>, complete's answer, the project listing).</summary>
public sealed record VideoInfo(
    Guid Id,
    Guid UploadId,
    string? ProjectId,
    string Filename,
    string OriginalName,
    long Size,
    string Status,
    DateTimeOffset CreatedAt,
    string? FileHash,
    string ContentUrl,
    string? ScanStatus,
    JsonElement? Metadata);

/// <summary>An RFC 9457 problem as the gateway writes it: always a stable <c>code</c>.</summary>
internal sealed record ProblemBody(int? Status, string? Code, string? Title, string? Detail);

/// <summary>How the API's JSON is read and written: ASP.NET Core's web defaults (camelCase).</summary>
internal static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
