namespace Orleans.Uploads.Harness;

/// <summary>The gateway as a real process on a free loopback port, by default standalone (silo in process).</summary>
public sealed class GatewayServer : IAsyncDisposable
{
    private GatewayServer(ServerProcess process, Uri baseAddress)
    {
        Process = process;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
        Api = new UploadsApiClient(Http, process.Name, () => process.Output);
        Tus = new TusApiClient(Http, process.Name, () => process.Output);
    }

    public ServerProcess Process { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    /// <summary>The seed API through <see cref="Http"/>; failures quote this process's output.</summary>
    public UploadsApiClient Api { get; }

    /// <summary>tus through <see cref="Http"/>; failures quote this process's output.</summary>
    public TusApiClient Tus { get; }

    /// <summary>
    /// Starts the gateway in <paramref name="workingDirectory"/> (where it keeps its relative data) and waits until
    /// /health is healthy. Reuse <paramref name="ports"/> to restart a standalone server on the same data.
    /// </summary>
    public static async Task<GatewayServer> StartAsync(string workingDirectory, GatewayPorts? ports = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        ports ??= GatewayPorts.Allocate();
        var settings = new Dictionary<string, string>
        {
            ["Cluster__SiloPort"] = ports.SiloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster__GatewayPort"] = ports.OrleansGatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var process = ServerProcess.Start(
            "gateway", RepositoryPaths.BuiltAssembly("Gateway", "Orleans.Uploads.Gateway"), workingDirectory, settings, "--urls", $"http://127.0.0.1:{ports.HttpPort}");
        var baseAddress = new Uri($"http://127.0.0.1:{ports.HttpPort}");
        await process.WaitUntilHealthyAsync(baseAddress);
        return new GatewayServer(process, baseAddress);
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
