namespace Orleans.Uploads.Harness;

/// <summary>The gateway as a real process on a free loopback port, by default standalone (silo in process).</summary>
public sealed class GatewayServer : IAsyncDisposable
{
    private GatewayServer(ServerProcess process, Uri baseAddress, AccessKeys? access)
    {
        Process = process;
        BaseAddress = baseAddress;
        Access = access;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
        Http.DefaultRequestHeaders.Authorization = access?.Authorization;
        Api = new UploadsApiClient(Http, process.Name, () => process.Output);
        Tus = new TusApiClient(Http, process.Name, () => process.Output);
    }

    public ServerProcess Process { get; }

    public Uri BaseAddress { get; }

    /// <summary>The credentials the gateway was started with; null for an open (loopback, keyless) gateway.</summary>
    public AccessKeys? Access { get; }

    public HttpClient Http { get; }

    /// <summary>The seed API through <see cref="Http"/> (which sends <see cref="Access"/>'s API key, when there is one); failures quote this process's output.</summary>
    public UploadsApiClient Api { get; }

    /// <summary>tus through <see cref="Http"/>; failures quote this process's output.</summary>
    public TusApiClient Tus { get; }

    /// <summary>
    /// Starts the gateway in <paramref name="workingDirectory"/> (where it keeps its relative data) and waits until
    /// /health/ready is healthy. Reuse <paramref name="ports"/> to restart a standalone server on the same data. With
    /// <paramref name="access"/>, access control is on and <see cref="Http"/> sends its API key; without, the gateway runs
    /// open on loopback (or as <paramref name="environment"/> configures it).
    /// </summary>
    public static async Task<GatewayServer> StartAsync(
        string workingDirectory, GatewayPorts? ports = null, IReadOnlyDictionary<string, string>? environment = null, AccessKeys? access = null)
    {
        ports ??= GatewayPorts.Allocate();
        var settings = new Dictionary<string, string>
        {
            ["Cluster__SiloPort"] = ports.SiloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster__GatewayPort"] = ports.OrleansGatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in (access?.GatewayEnvironment ?? new Dictionary<string, string>()).Concat(environment ?? new Dictionary<string, string>()))
        {
            settings[key] = value;
        }

        var process = ServerProcess.Start(
            "gateway", RepositoryPaths.BuiltAssembly("Gateway", "Orleans.Uploads.Gateway"), workingDirectory, settings, "--urls", $"http://127.0.0.1:{ports.HttpPort}");
        var baseAddress = new Uri($"http://127.0.0.1:{ports.HttpPort}");
        await process.WaitUntilHealthyAsync(baseAddress);
        return new GatewayServer(process, baseAddress, access);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Process.DisposeAsync();
    }
}

/// <summary>The ports one gateway process listens on: HTTP, and (standalone) its silo's two Orleans ports.</summary>
public sealed record GatewayPorts(int HttpPort, int SiloPort, int OrleansGatewayPort)
{
    public static GatewayPorts Allocate() => new(FreePort.Next(), FreePort.Next(), FreePort.Next());
}
