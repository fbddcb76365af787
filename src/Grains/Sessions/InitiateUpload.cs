namespace Orleans.Uploads.Grains.Sessions;

/// <summary>What a client asks for when it starts an upload. <c>FileSize</c> is null only in append mode (length declared later).
/// <c>CallerId</c> is the authenticated caller's name, for its quota; null when no caller is known (no caller quota).</summary>
[GenerateSerializer, Immutable, Alias("uploads.InitiateUpload")]
public sealed record InitiateUpload(
    [property: Id(0)] string Filename,
    [property: Id(1)] long? FileSize,
    [property: Id(2)] string? ProjectId = null,
    [property: Id(3)] int? ChunkSize = null,
    [property: Id(4)] string? FileHash = null,
    [property: Id(5)] string? MetadataJson = null,
    [property: Id(6)] UploadMode Mode = UploadMode.Chunks,
    [property: Id(7)] UploadKind Kind = UploadKind.Whole,
    [property: Id(8)] Guid[]? Parts = null,
    [property: Id(9)] string? CallerId = null,
    [property: Id(10)] UploadProtocol Protocol = UploadProtocol.Unknown);
