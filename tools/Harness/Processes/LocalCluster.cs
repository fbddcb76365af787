using System.Globalization;

namespace Orleans.Uploads.Harness;

/// <summary>
/// The production shape on one machine: a private PostgreSQL, silos and gateways as real processes on loopback,
/// one shared directory for chunk and final storage. Every process gets the same environment variables the
/// containers in docker-compose.yml get, plus loopback addresses and free ports. With nginx, the shipped
/// deploy/nginx.conf balances over the gateways (see <see cref="NginxServer"/>), and the gateways believe the
/// forwarded client address from it (127.0.0.1) and from nobody else.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly string _directory;
    private readonly bool _ownsDirectory;
    private readonly List<SiloPorts> _siloPorts;
    private readonly List<GatewayPorts> _gatewayPorts;
    private readonly IReadOnlyDictionary<string, string> _extraSettings;
    private readonly bool _withNginx;
    private bool _postgresRunning;

    private LocalCluster(string directory, bool ownsDirectory, int silos, int gateways, IReadOnlyDictionary<string, string> extraSettings, bool withNginx)
    {
        _withNginx = withNginx;
        _directory = directory;
        _ownsDirectory = ownsDirectory;
        _siloPorts = [.. Enumerable.Range(0, silos).Select(_ => SiloPorts.Allocate())];
        _gatewayPorts = [.. Enumerable.Range(0, gateways).Select(_ => GatewayPorts.Allocate())];
        _extraSettings = extraSettings;
    }

    public PostgresServer Postgres { get; private set; } = null!;

    public List<SiloServer?> Silos { get; } = [];

    public List<GatewayServer?> Gateways { get; } = [];

    /// <summary>The load balancer in front of the gateways, when started with nginx.</summary>
    public NginxServer? Nginx { get; private set; }

    /// <summary>The API key (every project) and upload-token signing key every gateway of this cluster is started with.</summary>
    public AccessKeys Access { get; } = AccessKeys.Generate();

    /// <summary>The shared storage directory (temp_uploads/ and uploads/ below it).</summary>
    public string StorageDirectory => Path.Combine(_directory, "storage");

    public string TempDirectory => Path.Combine(StorageDirectory, "temp_uploads");

    public string FinalDirectory => Path.Combine(StorageDirectory, "uploads");

    /// <summary>What every silo and gateway process is configured with (names as in docker-compose.yml).</summary>
    public IReadOnlyDictionary<string, string> ClusterEnvironment => new Dictionary<string, string>(_extraSettings)
    {
        ["Cluster__Clustering"] = "Postgres",
        ["Cluster__ConnectionString"] = Postgres.ConnectionString,
        ["Cluster__ClusterId"] = "orleans-uploads",
        ["Cluster__ServiceId"] = "orleans-uploads",
        ["Uploads__TempDirectory"] = TempDirectory,
        ["Uploads__FinalDirectory"] = FinalDirectory,
    };

    /// <summary>Starts PostgreSQL, then the silos, then the gateways; <paramref name="directory"/> null means a new temp directory.</summary>
    public static async Task<LocalCluster> StartAsync(
        int silos = 2, int gateways = 2, string? directory = null, IReadOnlyDictionary<string, string>? settings = null, bool withNginx = false)
    {
        var ownsDirectory = directory is null;
        directory ??= new TempDirectory("local-cluster").Path;
        var cluster = new LocalCluster(directory, ownsDirectory, silos, gateways, settings ?? new Dictionary<string, string>(), withNginx);
        try
        {
            await cluster.StartAllAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>Starts whatever is not running: PostgreSQL first (same data, same port), then silos, then gateways.</summary>
    public async Task StartAllAsync()
    {
        Directory.CreateDirectory(StorageDirectory);
        if (!_postgresRunning)
        {
            // Same data directory, so the same port and the same databases.
            Postgres = await PostgresServer.StartAsync(Postgres?.DataDirectory ?? Path.Combine(_directory, "postgres"));
            _postgresRunning = true;
        }

        await Task.WhenAll(Enumerable.Range(0, _siloPorts.Count).Select(StartSiloAsync));
        await Task.WhenAll(Enumerable.Range(0, _gatewayPorts.Count).Select(StartGatewayAsync));
        if (_withNginx && (Nginx is null || Nginx.Process.HasExited))
        {
            // Same port on a restart, so clients keep their address.
            var port = Nginx?.Port;
            if (Nginx is not null)
            {
                await Nginx.DisposeAsync();
            }

            Nginx = await NginxServer.StartAsync(_gatewayPorts.Select(ports => new Uri($"http://127.0.0.1:{ports.HttpPort}/")), port);
        }
    }

    public async Task StartSiloAsync(int index)
    {
        while (Silos.Count <= index)
        {
            Silos.Add(null);
        }

        if (Silos[index] is null || Silos[index]!.Process.HasExited)
        {
            Silos[index] = await SiloServer.StartAsync(WorkingDirectory($"silo{index}"), _siloPorts[index], ClusterEnvironment);
        }
    }

    public async Task StartGatewayAsync(int index)
    {
        while (Gateways.Count <= index)
        {
            Gateways.Add(null);
        }

        if (Gateways[index] is null || Gateways[index]!.Process.HasExited)
        {
            var environment = new Dictionary<string, string>(ClusterEnvironment) { ["Cluster__Mode"] = "Client" };
            if (_withNginx)
            {
                environment["Gateway__KnownProxies__0"] = "127.0.0.1";
            }

            Gateways[index] = await GatewayServer.StartAsync(WorkingDirectory($"gateway{index}"), _gatewayPorts[index], environment, Access);
        }
    }

    /// <summary>Stops every process (SIGTERM), gateways first, PostgreSQL last; <see cref="StartAllAsync"/> brings them back on the same data.</summary>
    public async Task StopAllAsync()
    {
        if (Nginx is not null)
        {
            await Nginx.Process.StopAsync();
        }

        await Task.WhenAll(Gateways.OfType<GatewayServer>().Select(gateway => gateway.Process.StopAsync()));
        await Task.WhenAll(Silos.OfType<SiloServer>().Select(silo => silo.Process.StopAsync()));
        await Postgres.StopAsync();
        _postgresRunning = false;
    }

    /// <summary>Every process and address, and the API key when <paramref name="withApiKey"/> (for a person, not for a log).</summary>
    public string Describe(bool withApiKey = false)
    {
        var lines = new List<string> { $"postgres  {Postgres.ConnectionString}" };
        lines.AddRange(Silos.OfType<SiloServer>().Select((silo, i) =>
            $"silo{i}     silo port {silo.Ports.SiloPort}, gateway port {silo.Ports.GatewayPort.ToString(CultureInfo.InvariantCulture)}, health {silo.Ports.HealthAddress}health/ready (pid {silo.Process.Id})"));
        lines.AddRange(Gateways.OfType<GatewayServer>().Select((gateway, i) => $"gateway{i}  {gateway.BaseAddress} (pid {gateway.Process.Id})"));
        if (Nginx is not null)
        {
            lines.Add($"nginx     {Nginx.BaseAddress} (deploy/nginx.conf, pid {Nginx.Process.Id})");
        }

        lines.Add($"storage   {StorageDirectory}");
        if (withApiKey)
        {
            lines.Add($"api key   {Access.ApiKey} (every project; send it as 'Authorization: Bearer <key>', made for this run only)");
        }

        return string.Join(Environment.NewLine, lines);
    }

    public async ValueTask DisposeAsync()
    {
        if (Nginx is not null)
        {
            await Nginx.DisposeAsync();
        }

        foreach (var gateway in Gateways.OfType<GatewayServer>())
        {
            await gateway.DisposeAsync();
        }

        foreach (var silo in Silos.OfType<SiloServer>())
        {
            await silo.DisposeAsync();
        }

        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }

        if (_ownsDirectory)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private string WorkingDirectory(string name)
    {
        var path = Path.Combine(_directory, name);
        Directory.CreateDirectory(path);
        return path;
    }
}
