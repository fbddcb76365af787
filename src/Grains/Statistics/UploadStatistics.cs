namespace Orleans.Uploads.Grains.Statistics;

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
