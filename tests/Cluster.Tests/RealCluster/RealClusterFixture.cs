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

    /// <summary>
    /// How long a client waits for one answer. A request caught on a silo that is killed is held by the gateway
    /// until Orleans' response timeout (two minutes here); a client gives up sooner and retries.
    /// </summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly List<HttpClient> _http = [];
    private readonly List<UploadsApiClient> _gateways = [];
    private readonly List<TusApiClient> _tus = [];
    private readonly HashSet<int> _started = [];

    public LocalCluster Cluster { get; private set; } = null!;

    public IReadOnlyList<UploadsApiClient> Gateways => _gateways;

    /// <summary>Environment every process gets on top of the cluster's own.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Uploads__ChunkSize"] = ChunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture),

        // A process keeps its last 400 lines for failure messages: not one per request.
        ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        ["Logging__LogLevel__Orleans.Uploads.Gateway.Requests"] = "Warning",
    };

    /// <summary>Whether deploy/nginx.conf runs in front of the gateways (see <see cref="LocalCluster.Nginx"/>).</summary>
    protected virtual bool WithNginx => false;

    /// <summary>
    /// The seed API through gateway <paramref name="index"/>, on its own connection pool with a short timeout, so a
    /// request stuck behind a dead silo is a failure a caller can retry; failures quote the gateway's output.
    /// </summary>
    public UploadsApiClient Gateway(int index) => _gateways[index];

    /// <summary>tus through gateway <paramref name="index"/>, on the same connections as <see cref="Gateway"/>.</summary>
    public TusApiClient Tus(int index) => _tus[index];

    public async Task InitializeAsync()
    {
        Cluster = await LocalCluster.StartAsync(Silos, GatewayCount, settings: Settings, withNginx: WithNginx);
        for (var i = 0; i < GatewayCount; i++)
        {
            // The base address stays valid across restarts: a restarted gateway keeps its port.
            var index = i;
            var name = $"gateway{index}";
            string Output() => Cluster.Gateways[index]?.Process.Output ?? "(not running)";
            var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) })
            {
                BaseAddress = Cluster.Gateways[index]!.BaseAddress,
                Timeout = RequestTimeout,
                DefaultRequestHeaders = { Authorization = Cluster.Access.Authorization },
            };
            _http.Add(http);
            _gateways.Add(new UploadsApiClient(http, name, Output));
            _tus.Add(new TusApiClient(http, name, Output));
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
    /// started once it is active in membership, which can still be before its start-up tasks ran: a silo killed then
    /// (see <see cref="SiloStartedLine"/>) can take the other down with it.
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
        foreach (var http in _http)
        {
            http.Dispose();
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
