using System.Text.Json;
using Orleans.Uploads.Gateway.Uploads;
using Orleans.Uploads.Grains.Videos;

namespace Orleans.Uploads.Gateway.Videos;

/// <summary>The seed's legacy <c>VideoFile</c> shape, plus the upload it came from, its sha256 and its scan status.</summary>
public sealed record VideoResponse(
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
    JsonElement? Metadata,
    string ScanStatus)
{
    public static VideoResponse From(VideoRecord v) => new(
        v.Id, v.UploadId, v.ProjectId, v.Filename, v.OriginalName, v.Size, v.Status, v.CreatedAt, v.FileHash,
        $"/api/videos/{v.Id}/content", RequestRules.ParseMetadata(v.MetadataJson), v.ScanStatus);
}
