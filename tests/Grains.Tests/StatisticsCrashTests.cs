using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Statistics;
using Orleans.Uploads.Grains.Tests.Infrastructure;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Grains.Tests;

/// <summary>Its own cluster, because the test kills a silo.</summary>
public sealed class StatisticsCrashClusterFixture : UploadClusterFixture;

/// <summary>Statistics after a crash equal what the sessions say: nothing lost, nothing counted twice, nothing negative.</summary>
public sealed class StatisticsCrashTests(StatisticsCrashClusterFixture cluster) : IClassFixture<StatisticsCrashClusterFixture>
{
    private readonly TestFile _file = new(200_000, seed: 21);

    [Fact]
    public async Task Statistics_equal_the_sessions_after_the_silo_holding_them_is_killed_and_clients_retry()
    {
        var secondary = cluster.Cluster.SecondarySilos[0];

        // Everything on the silo to kill: the statistics (the hint travels with the calls they make) and the sessions.
        var sessions = new List<SessionUnderTest>();
        await OnSecondaryAsync(() => cluster.Grains.GetGrain<IUploadStatisticsGrain>(IUploadStatisticsGrain.Key).GetAsync());
        for (var i = 0; i < 5; i++)
        {
            sessions.Add(await OnSecondaryAsync(() => cluster.Grains.StartAsync(_file)));
        }

        // Three complete, two stop after their first chunk; every step is acknowledged before the kill.
        foreach (var session in sessions.Take(3))
        {
            for (var chunk = 0; chunk < _file.Layout.TotalChunks; chunk++)
            {
                await session.PutAsync(_file, chunk);
            }
        }

        foreach (var session in sessions.Skip(3))
        {
            await session.PutAsync(_file, 0);
        }

        await cluster.Cluster.KillSiloAsync(secondary);

        // The clients retry: the first chunk again (already stored), then the rest.
        foreach (var session in sessions.Skip(3))
        {
            await Eventually.WaitForAsync(async () => (await session.GetAsync()).Value, "the session to come back");
            for (var chunk = 0; chunk < _file.Layout.TotalChunks; chunk++)
            {
                await session.PutAsync(_file, chunk);
            }
        }

        var statistics = cluster.Grains.GetGrain<IUploadStatisticsGrain>(IUploadStatisticsGrain.Key);
        var settled = await Eventually.WaitForAsync(
            async () =>
            {
                var now = await statistics.GetAsync();
                Assert.All(now.CountsByStatus.Values, count => Assert.True(count >= 0));
                return now is { TotalUploads: 5 } && now.CountsByStatus["completed"] == 5 && now.BytesReceived == 5L * _file.Bytes.Length ? now : null;
            },
            "the statistics to count five completed uploads of every stored byte");

        Assert.Equal(0, settled.CountsByStatus["uploading"]);
        Assert.Equal(5L * _file.Layout.TotalChunks, settled.ChunksReceived);
        Assert.Equal(5L * _file.Bytes.Length, settled.CompletedBytes);
        Assert.Equal(0, settled.ChunkRetries);
    }

    private async Task<T> OnSecondaryAsync<T>(Func<Task<T>> call)
    {
        RequestContext.Set(IPlacementDirector.PlacementHintKey, cluster.Cluster.SecondarySilos[0].SiloAddress);
        try
        {
            return await call();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }
}
