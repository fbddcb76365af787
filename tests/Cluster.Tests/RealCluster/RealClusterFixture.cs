using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Cluster.Tests.RealCluster;

/// <summary>
/// One production-shaped cluster for one test class: a private PostgreSQL, two silos and two gateways as real
/// processes sharing only the database and the storage directory. Disposing it stops every process.
/// </summary>
public abstract class RealClusterFixture : IAsyncLifetime
{
    public const int ChunkSize = 256 * 1024;
    public const int Silos = 2;
    public const int GatewayCount = 2;

    private readonly List<GatewayClient> _gateways = [];
    private readonly HashSet<int> _started = [];

    public LocalCluster Cluster { get; private set; } = null!;

    public IReadOnlyList<GatewayClient> Gateways => _gateways;

    /// <summary>Environment every process gets on top of the cluster's own.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Uploads__ChunkSize"] = ChunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture),

        // A process keeps its last 400 lines for failure messages: not one per request.
        ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
    };

    public GatewayClient Gateway(int index) => _gateways[index];

    public async Task InitializeAsync()
    {
        Cluster = await LocalCluster.StartAsync(Silos, GatewayCount, settings: Settings);
        for (var i = 0; i < GatewayCount; i++)
        {
            var index = i;
            _gateways.Add(new GatewayClient(
                $"gateway{index}", Cluster.Gateways[index]!.BaseAddress, () => Cluster.Gateways[index]?.Process.Output ?? "(not running)"));
        }

        await WaitForWholeClusterAsync();
    }

    /// <summary>Starts whatever a test stopped or killed and waits until every gateway sees every silo again.</summary>
    public async Task RestoreAsync()
    {
        var exited = Cluster.Silos.OfType<SiloServer>().Where(silo => silo.Process.HasExited).Select(silo => (IAsyncDisposable)silo)
            .Concat(Cluster.Gateways.OfType<GatewayServer>().Where(gateway => gateway.Process.HasExited))
            .ToList();
        await Cluster.StartAllAsync();
        foreach (var replaced in exited)
        {
            await replaced.DisposeAsync();
        }

        await WaitForWholeClusterAsync();
    }

    /// <summary>
    /// Until every silo has finished starting and every gateway sees all of them. LocalCluster counts a silo as
    /// started once its gateway port accepts connections, which is before it has joined the cluster and before its
    /// start-up tasks ran: a silo killed then leaves the other unable to join, or (see <see cref="SiloStartedLine"/>)
    /// takes it down with it.
    /// </summary>
    public async Task WaitForWholeClusterAsync()
    {
        await Eventually.WaitUntilAsync(() => Task.FromResult(Cluster.Silos.All(HasStarted)), "every silo to finish starting", TimeSpan.FromSeconds(90));
        await WaitForActiveSilosAsync(Silos);
    }

    /// <summary>Starts whatever is not running, waits for the whole cluster, and writes rather than throws a failure: for finally blocks, which must not hide the test's own.</summary>
    public async Task RestoreQuietlyAsync(Xunit.Abstractions.ITestOutputHelper output)
    {
        try
        {
            await RestoreAsync();
        }
        catch (Exception ex)
        {
            output.WriteLine($"could not make the cluster whole again: {ex}");
        }
    }

    /// <summary>A process keeps only its last 400 lines, so a silo is remembered as started once seen.</summary>
    private bool HasStarted(SiloServer? silo)
    {
        if (silo is null || silo.Process.HasExited)
        {
            return false;
        }

        if (!_started.Contains(silo.Process.Id) && silo.Process.Output.Contains(SiloStartedLine, StringComparison.Ordinal))
        {
            _started.Add(silo.Process.Id);
        }

        return _started.Contains(silo.Process.Id);
    }

    /// <summary>
    /// What Orleans logs once a silo's start-up tasks are done. Until then a silo's start depends on the cleanup
    /// grain's start-up task, which calls into other silos; if one of them dies meanwhile, the starting silo gives
    /// up and exits (reported as a product bug).
    /// </summary>
    public const string SiloStartedLine = "Orleans Silo started.";

    /// <summary>Until every gateway's cluster client reports <paramref name="count"/> active silos.</summary>
    public Task WaitForActiveSilosAsync(int count, TimeSpan? timeout = null) => Eventually.WaitUntilAsync(
        async () =>
        {
            foreach (var gateway in _gateways)
            {
                if (await gateway.ActiveSilosAsync() != count)
                {
                    return false;
                }
            }

            return true;
        },
        $"every gateway to see {count} active silo(s)",
        timeout ?? TimeSpan.FromSeconds(90));

    public async Task DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            gateway.Dispose();
        }

        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}

/// <summary>The default cluster: 256 KiB chunks, an hour's upload timeout.</summary>
public sealed class UploadClusterFixture : RealClusterFixture;

/// <summary>
/// A cluster whose cleanup runs every second on the real (PostgreSQL) reminder service: uploads idle for three
/// seconds expire, orphaned temp files older than two seconds go.
/// </summary>
public sealed class CleanupClusterFixture : RealClusterFixture
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Uploads__UploadTimeout"] = "00:00:03",
        ["Cleanup__ReminderPeriod"] = "00:00:01",
        ["Cleanup__BucketWidth"] = "00:00:01",
        ["Cleanup__Retention"] = "00:01:00",
        ["Cleanup__OrphanGracePeriod"] = "00:00:02",
    };
}
