using Orleans.Uploads.Grains.Statistics;
using Orleans.Uploads.Grains.Tests.Infrastructure;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Grains.Tests;

/// <summary>Its own cluster, so no other test's uploads show in the counts.</summary>
public sealed class StatisticsClusterFixture : UploadClusterFixture;

public sealed class StatisticsTests(StatisticsClusterFixture cluster) : IClassFixture<StatisticsClusterFixture>
{
    [Fact]
    public async Task Status_counts_bytes_and_retries_add_up_across_sessions()
    {
        var file = new TestFile(150_000, seed: 2);
        var completed = await cluster.Grains.StartAsync(file);
        await completed.PutChunkAsync(0, file.CorruptChunk(0), file.ChunkSha256(0));
        for (var chunk = 0; chunk < file.Layout.TotalChunks; chunk++)
        {
            await completed.PutAsync(file, chunk);
        }

        var cancelled = await cluster.Grains.StartAsync(file);
        await cancelled.CancelAsync();
        await cluster.Grains.StartAsync(file);

        var statistics = cluster.Grains.GetGrain<IUploadStatisticsGrain>(IUploadStatisticsGrain.Key);
        var counted = await Eventually.WaitForAsync(
            async () => await statistics.GetAsync() is { TotalUploads: 3, ChunksReceived: 3 } s ? s : null,
            "statistics to count three uploads");

        Assert.Equal(1, counted.CountsByStatus["completed"]);
        Assert.Equal(1, counted.CountsByStatus["cancelled"]);
        Assert.Equal(1, counted.CountsByStatus["initiated"]);
        Assert.Equal(0, counted.CountsByStatus["uploading"]);
        Assert.Equal(150_000, counted.BytesReceived);
        Assert.Equal(1, counted.ChunkRetries);
        Assert.Equal(0.25, counted.ChunkRetryRate);
        Assert.Equal(0.5, counted.SuccessRate);
        Assert.True(counted.AverageSpeed > 0);
    }
}
