namespace Orleans.Uploads.Grains.Sessions;

/// <summary>A session's status and progress as clients see it.</summary>
[GenerateSerializer, Immutable, Alias("uploads.UploadSnapshot")]
public sealed record UploadSnapshot
{
    [Id(0)] public required Guid UploadId { get; init; }
    [Id(1)] public required string Filename { get; init; }
    [Id(2)] public string? ProjectId { get; init; }
    [Id(3)] public long? TotalSize { get; init; }
    [Id(4)] public int ChunkSize { get; init; }
    [Id(5)] public int TotalChunks { get; init; }
    [Id(6)] public int CompletedChunks { get; init; }
    [Id(7)] public long UploadedBytes { get; init; }
    [Id(8)] public UploadStatus Status { get; init; }
    [Id(9)] public int[] MissingChunks { get; init; } = [];
    [Id(10)] public int[] FailedChunks { get; init; } = [];
    [Id(11)] public double UploadSpeed { get; init; }
    [Id(12)] public double? EstimatedTimeRemaining { get; init; }
    [Id(13)] public DateTimeOffset CreatedAt { get; init; }
    [Id(14)] public DateTimeOffset LastActivityAt { get; init; }
    [Id(15)] public DateTimeOffset ExpiresAt { get; init; }
    [Id(16)] public DateTimeOffset? CompletedAt { get; init; }
    [Id(17)] public string? FileHash { get; init; }
    [Id(18)] public string? MetadataJson { get; init; }
    [Id(19)] public UploadMode Mode { get; init; }
    [Id(20)] public string? FailureReason { get; init; }
    [Id(21)] public int ChunkRetries { get; init; }
    [Id(22)] public UploadKind Kind { get; init; }
    [Id(23)] public Guid[] Parts { get; init; } = [];

    public double ProgressPercentage => ProgressOf(UploadedBytes, TotalSize, Status);

    /// <summary>
    /// Percent with two decimals, rounded down, and at most <see cref="MostBeforeCompletion"/> until the upload has
    /// completed: rounding to nearest showed 100 with a last chunk of 1,234 bytes still missing, and a client that stops
    /// at 100 would never send it.
    /// </summary>
    public static double ProgressOf(long uploadedBytes, long? totalSize, UploadStatus status) =>
        status == UploadStatus.Completed ? 100
        : totalSize is > 0 ? Math.Min(MostBeforeCompletion, Math.Floor(10_000.0 * uploadedBytes / totalSize.Value) / 100)
        : 0;

    public const double MostBeforeCompletion = 99;
}

/// <summary>The answer to one stored chunk.</summary>
[GenerateSerializer, Immutable, Alias("uploads.ChunkReceipt")]
public sealed record ChunkReceipt(
    [property: Id(0)] Guid UploadId,
    [property: Id(1)] int ChunkNumber,
    [property: Id(2)] int CompletedChunks,
    [property: Id(3)] int TotalChunks,
    [property: Id(4)] long UploadedBytes,
    [property: Id(5)] long TotalSize,
    [property: Id(6)] UploadStatus Status,
    [property: Id(7)] bool AlreadyStored)
{
    public double ProgressPercentage => UploadSnapshot.ProgressOf(UploadedBytes, TotalSize, Status);
}
