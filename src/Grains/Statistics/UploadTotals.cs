using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Grains.Statistics;

/// <summary>Sums of upload tallies: one shard's, then the cluster's, from which the seed's metrics are computed.</summary>
[GenerateSerializer, Alias("uploads.UploadTotals")]
public sealed class UploadTotals
{
    [Id(0)] public Dictionary<UploadStatus, long> CountsByStatus { get; set; } = [];
    [Id(1)] public long BytesReceived { get; set; }
    [Id(2)] public long ChunksReceived { get; set; }
    [Id(3)] public long ChunkRetries { get; set; }
    [Id(4)] public long CompletedBytes { get; set; }
    [Id(5)] public double CompletedSeconds { get; set; }

    public void Add(UploadTally tally)
    {
        if (tally.Status is { } status and not UploadStatus.None)
        {
            CountsByStatus[status] = CountsByStatus.GetValueOrDefault(status) + 1;
        }

        BytesReceived += tally.BytesReceived;
        ChunksReceived += tally.ChunksReceived;
        ChunkRetries += tally.ChunkRetries;
        CompletedBytes += tally.CompletedBytes;
        CompletedSeconds += tally.CompletedSeconds;
    }

    public void Add(UploadTotals other)
    {
        foreach (var (status, count) in other.CountsByStatus)
        {
            CountsByStatus[status] = CountsByStatus.GetValueOrDefault(status) + count;
        }

        BytesReceived += other.BytesReceived;
        ChunksReceived += other.ChunksReceived;
        ChunkRetries += other.ChunkRetries;
        CompletedBytes += other.CompletedBytes;
        CompletedSeconds += other.CompletedSeconds;
    }

    public UploadStatistics ToStatistics()
    {
        long Count(UploadStatus status) => CountsByStatus.GetValueOrDefault(status);
        var succeeded = Count(UploadStatus.Completed);
        var ended = succeeded + Count(UploadStatus.Failed) + Count(UploadStatus.Cancelled) + Count(UploadStatus.Expired);
        var attempts = ChunksReceived + ChunkRetries;
        return new UploadStatistics
        {
            CountsByStatus = Enum.GetValues<UploadStatus>()
                .Where(status => status != UploadStatus.None)
                .ToDictionary(status => status.ToString().ToLowerInvariant(), Count),
            TotalUploads = CountsByStatus.Where(pair => pair.Key != UploadStatus.None).Sum(pair => pair.Value),
            BytesReceived = BytesReceived,
            ChunksReceived = ChunksReceived,
            ChunkRetries = ChunkRetries,
            ChunkRetryRate = attempts == 0 ? 0 : (double)ChunkRetries / attempts,
            SuccessRate = ended == 0 ? 0 : (double)succeeded / ended,
            FailureRate = ended == 0 ? 0 : (double)(ended - succeeded) / ended,
            AverageSpeed = CompletedSeconds <= 0 ? 0 : CompletedBytes / CompletedSeconds,
            CompletedBytes = CompletedBytes,
        };
    }
}
