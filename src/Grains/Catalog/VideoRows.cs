using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Videos;

namespace Orleans.Uploads.Grains.Catalog;

/// <summary>A video record as a row of the videos table and back (the listing serves rows as records).</summary>
public static class VideoRows
{
    public static VideoRow Of(VideoRecord video) => new(
        video.Id,
        video.UploadId,
        ProjectIds.OrDefault(video.ProjectId),
        video.Filename,
        video.OriginalName,
        video.Size,
        video.Status,
        video.CreatedAt,
        video.FileHash,
        video.MetadataJson,
        video.ScanStatus);

    /// <summary>The record a listing serves; the scanner's detail is for operators and never in the table.</summary>
    public static VideoRecord ToRecord(VideoRow row) => new()
    {
        Id = row.Id,
        UploadId = row.UploadSessionId,
        ProjectId = row.ProjectId,
        Filename = row.Filename,
        OriginalName = row.OriginalFilename,
        Size = row.Size,
        Status = row.Status,
        CreatedAt = row.CreatedAt,
        FileHash = row.FileHash,
        MetadataJson = row.Metadata,
        ScanStatus = row.ScanStatus,
    };
}
