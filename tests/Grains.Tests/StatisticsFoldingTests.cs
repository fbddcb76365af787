using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Statistics;
using Orleans.Uploads.Grains.Tests.Infrastructure;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Grains.Tests;

/// <summary>Its own cluster, so no other test's uploads show in the counts.</summary>
public sealed class StatisticsFoldingClusterFixture : UploadClusterFixture;

/// <summary>
/// A tally shard keeps uploads one by one only while they may change: an ended upload is folded into its sums, so the
/// shard's state (written whole on every save) does not grow with every upload ever made. Folding must not change a
/// count: a late or repeated tally of a folded upload counts once, and removing a finished upload keeps its completion.
/// </summary>
public sealed class StatisticsFoldingTests(StatisticsFoldingClusterFixture cluster) : IClassFixture<StatisticsFoldingClusterFixture>
{
    [Fact]
    public async Task An_ended_upload_is_folded_and_counts_once_whatever_arrives_late()
    {
        var file = new TestFile(150_000, seed: 61);
        var completed = await cluster.Grains.StartAsync(file, "folded.mp4");
        for (var chunk = 0; chunk < file.Layout.TotalChunks; chunk++)
        {
            await completed.PutAsync(file, chunk);
        }

        var shard = IUploadTallyShardGrain.For(cluster.Grains, completed.Id);
        var statistics = cluster.Grains.GetGrain<IUploadStatisticsGrain>(IUploadStatisticsGrain.Key);
        await Eventually.WaitUntilAsync(async () => !(await shard.GetUnsettledAsync()).Contains(completed.Id) && (await statistics.GetAsync()).CountsByStatus["completed"] == 1, "the completed upload folded into its shard's sums");
        var before = await statistics.GetAsync();

        // A stale tally overtaken by the final one, the final one again, and a registration: none counts again.
        var final = (await cluster.Grains.GetGrain<IUploadTallyGrain>(completed.Id).GetTallyAsync())!;
        await shard.ReportAsync(completed.Id, final with { Revision = 1, Status = UploadStatus.Uploading, Ended = false, BytesReceived = 7 });
        await shard.ReportAsync(completed.Id, final);
        await shard.RegisterAsync(completed.Id);

        // Removing the finished upload (tus termination) takes its bytes, not its completion.
        Assert.True((await completed.Life.TerminateAsync()).IsSuccess);

        // An upload still in progress in the same shard is kept one by one; once it is tracked, the reports above were handled.
        var marker = await StartInShardAsync(completed.Id, file);
        await marker.PutAsync(file, 0);
        await Eventually.WaitUntilAsync(async () => (await statistics.GetAsync()).CountsByStatus["uploading"] == 1, "the marker upload counted");
        Assert.Contains(marker.Id, await shard.GetUnsettledAsync());
        Assert.DoesNotContain(completed.Id, await shard.GetUnsettledAsync());

        var after = await statistics.GetAsync();
        Assert.Equal(1, after.CountsByStatus["completed"]);
        Assert.Equal(before.CompletedBytes, after.CompletedBytes);
        Assert.Equal(before.BytesReceived + file.Layout.LengthOf(0), after.BytesReceived);
        Assert.Equal(before.ChunksReceived + 1, after.ChunksReceived);
    }

    /// <summary>An upload whose tallies go to the same shard as <paramref name="neighbour"/>'s.</summary>
    private async Task<SessionUnderTest> StartInShardAsync(Guid neighbour, TestFile file)
    {
        var shard = neighbour.ToByteArray()[0] % IUploadTallyShardGrain.Count;
        Guid id;
        do
        {
            id = Guid.NewGuid();
        }
        while (id.ToByteArray()[0] % IUploadTallyShardGrain.Count != shard);

        var session = new SessionUnderTest(cluster.Grains, id);
        var started = await session.InitiateAsync(new InitiateUpload("marker.mp4", file.Bytes.Length, null, file.Layout.ChunkSize, null));
        Assert.True(started.IsSuccess, started.Error?.Detail);
        return session;
    }
}
