using System.Security.Cryptography;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Tests.Infrastructure;
using Orleans.Uploads.Grains.Videos;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Grains.Tests;

/// <summary>Its own cluster, because the test kills a silo.</summary>
public sealed class KillableClusterFixture : UploadClusterFixture;

public sealed class DurabilityTests(KillableClusterFixture cluster) : IClassFixture<KillableClusterFixture>
{
    private readonly TestFile _file = new(500_000, seed: 11);

    [Fact]
    public async Task Acknowledged_chunks_survive_killing_the_silo_that_hosted_the_session()
    {
        var session = await StartOnSecondarySiloAsync();
        var acknowledged = new[] { 0, 3, 5 };
        foreach (var chunk in acknowledged)
        {
            await session.PutAsync(_file, chunk);
        }

        var hostAddress = await HostOfAsync(session);
        var host = cluster.Cluster.GetActiveSilos().Single(silo => silo.SiloAddress.Equals(hostAddress));
        await cluster.Cluster.KillSiloAsync(host);

        // The session comes back on the surviving silo, from storage.
        var revived = await Eventually.WaitForAsync(async () => (await session.GetAsync()).Value, "the session to reactivate");
        Assert.All(acknowledged, chunk => Assert.DoesNotContain(chunk, revived.MissingChunks));
        Assert.Equal(UploadStatus.Uploading, revived.Status);

        foreach (var chunk in revived.MissingChunks)
        {
            await session.PutAsync(_file, chunk);
        }

        var video = await cluster.Grains.GetGrain<IVideoGrain>(session.GetPrimaryKey()).GetAsync();
        Assert.NotNull(video);
        Assert.Equal(_file.Sha256, video.FileHash);
        var stored = await File.ReadAllBytesAsync(Path.Combine(cluster.FinalDirectory, video.Filename));
        Assert.Equal(_file.Sha256, Convert.ToHexStringLower(SHA256.HashData(stored)));
    }

    /// <summary>The primary silo holds the test cluster's membership, so the silo to kill must be the other one.</summary>
    private async Task<SessionUnderTest> StartOnSecondarySiloAsync()
    {
        var primary = cluster.Cluster.Primary!.SiloAddress;
        var secondary = cluster.Cluster.SecondarySilos[0].SiloAddress;

        // The default placement weighs silo load and may favour the primary, or not know the secondary yet right after
        // start-up: ask for the secondary, and try again until a session lands there.
        return await Eventually.WaitForAsync(
            async () =>
            {
                RequestContext.Set(IPlacementDirector.PlacementHintKey, secondary);
                SessionUnderTest session;
                try
                {
                    session = await cluster.Grains.StartAsync(_file);
                }
                finally
                {
                    RequestContext.Remove(IPlacementDirector.PlacementHintKey);
                }

                return primary.Equals(await HostOfAsync(session)) ? null : session;
            },
            "a session placed on the secondary silo");
    }

    private async Task<SiloAddress?> HostOfAsync(SessionUnderTest session) =>
        await cluster.Grains.GetGrain<IManagementGrain>(0).GetActivationAddress(session.Life);
}
