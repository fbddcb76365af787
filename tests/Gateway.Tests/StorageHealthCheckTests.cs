using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orleans.Uploads.Hosting.Health;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Uploads.Grains.Storage;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests;

/// <summary>
/// The storage check answers anyone through <c>/health/ready</c>, and each probe writes and deletes files: a flood of
/// probes must not become a flood of writes. Runs the real store, counting its probes.
/// </summary>
public sealed class StorageHealthCheckTests
{
    [Fact]
    public async Task Checks_close_together_share_one_probe_of_the_store()
    {
        using var root = new TempDirectory("uploads-probe");
        var store = new CountingProbe(new FileSystemStore(Options.Create(new UploadOptions
        {
            TempDirectory = Path.Combine(root.Path, "temp"),
            FinalDirectory = Path.Combine(root.Path, "final"),
            MinFreeDiskMegabytes = 1,
        })));
        var check = new StorageHealthCheck(store);
        var context = new HealthCheckContext();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => check.CheckHealthAsync(context)));

        Assert.All(results, result => Assert.Equal(HealthStatus.Healthy, result.Status));
        Assert.Equal(1, store.Probes);
        Assert.Equal(1024L * 1024, results[0].Data["floorBytes"]);
    }

    private sealed class CountingProbe(IStorageProbe store) : IStorageProbe
    {
        private int _probes;

        public int Probes => _probes;

        public Task<StorageRoom> ProbeAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _probes);
            return store.ProbeAsync(cancellationToken);
        }
    }
}
