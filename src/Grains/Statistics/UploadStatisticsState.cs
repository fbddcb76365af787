using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Grains.Statistics;

[GenerateSerializer, Alias("uploads.UploadStatisticsState")]
public sealed class UploadStatisticsState
{
    [Id(0)] public Dictionary<UploadStatus, long> CountsByStatus { get; set; } = [];
    [Id(1)] public long BytesReceived { get; set; }
    [Id(2)] public long ChunksReceived { get; set; }
    [Id(3)] public long ChunkRetries { get; set; }
    [Id(4)] public long CompletedBytes { get; set; }
    [Id(5)] public double CompletedSeconds { get; set; }

    public void Apply(UploadEvent change)
    {
        if (change.From is { } from && from != UploadStatus.None)
        {
            CountsByStatus[from] = CountsByStatus.GetValueOrDefault(from) - 1;
        }

        if (change.To is { } to)
        {
            CountsByStatus[to] = CountsByStatus.GetValueOrDefault(to) + 1;
        }

        BytesReceived += change.BytesReceived;
        ChunksReceived += change.ChunksReceived;
        ChunkRetries += change.ChunksRejected;
        CompletedBytes += change.CompletedBytes;
        CompletedSeconds += change.CompletedSeconds;
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
