using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Grains.Statistics;

/// <summary>What one session reports after a change: a status transition and/or bytes and chunks.</summary>
[GenerateSerializer, Immutable, Alias("uploads.UploadEvent")]
public sealed record UploadEvent
{
    [Id(0)] public UploadStatus? From { get; init; }
    [Id(1)] public UploadStatus? To { get; init; }
    [Id(2)] public long BytesReceived { get; init; }
    [Id(3)] public int ChunksReceived { get; init; }
    [Id(4)] public int ChunksRejected { get; init; }

    /// <summary>On completion: the file's size and the seconds from its first byte to its last.</summary>
    [Id(5)] public long CompletedBytes { get; init; }
    [Id(6)] public double CompletedSeconds { get; init; }

    public static UploadEvent Transition(UploadStatus from, UploadStatus to) => new() { From = from, To = to };
}

/// <summary>Cluster-wide upload statistics: the seed's metrics list.</summary>
[GenerateSerializer, Immutable, Alias("uploads.UploadStatistics")]
public sealed record UploadStatistics
{
    [Id(0)] public required IReadOnlyDictionary<string, long> CountsByStatus { get; init; }
    [Id(1)] public long TotalUploads { get; init; }
    [Id(2)] public long BytesReceived { get; init; }
    [Id(3)] public long ChunksReceived { get; init; }
    [Id(4)] public long ChunkRetries { get; init; }
    [Id(5)] public double ChunkRetryRate { get; init; }
    [Id(6)] public double SuccessRate { get; init; }
    [Id(7)] public double FailureRate { get; init; }
    [Id(8)] public double AverageSpeed { get; init; }
    [Id(9)] public long CompletedBytes { get; init; }
}
