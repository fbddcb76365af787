namespace Orleans.Uploads.Grains.Videos;

/// <summary>A finished upload, in the seed's legacy <c>VideoFile</c> shape plus where its bytes live.</summary>
[GenerateSerializer, Immutable, Alias("uploads.VideoRecord")]
public sealed record VideoRecord
{
    [Id(0)] public required Guid Id { get; init; }
    [Id(1)] public required Guid UploadId { get; init; }
    [Id(2)] public string? ProjectId { get; init; }

    /// <summary>The stored file's name (derived from the id, never from the client).</summary>
    [Id(3)] public required string Filename { get; init; }
    [Id(4)] public required string OriginalName { get; init; }
    [Id(5)] public long Size { get; init; }
    [Id(6)] public string Status { get; init; } = "uploaded";
    [Id(7)] public DateTimeOffset CreatedAt { get; init; }
    [Id(8)] public string? FileHash { get; init; }
    [Id(9)] public string? MetadataJson { get; init; }

    /// <summary>A <see cref="Scanning.ScanStatus"/>; a record stored before scanning existed reads as unscanned.</summary>
    [Id(10)] public string ScanStatus { get; init; } = Scanning.ScanStatus.Unscanned;

    /// <summary>The scanner's finding (infected) or why there is no verdict (scan_failed); for operators, not served.</summary>
    [Id(11)] public string? ScanDetail { get; init; }
}
