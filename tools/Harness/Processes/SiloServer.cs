using System.Globalization;

namespace Orleans.Uploads.Harness;

/// <summary>
/// A silo as a real process on loopback ports; ready once its <c>/health/ready</c> says it is active in membership
/// (a gateway port that accepts connections can belong to a silo still joining).
/// </summary>
public sealed class SiloServer : IAsyncDisposable
{
    private SiloServer(ServerProcess process, SiloPorts ports)
    {
        Process = process;
        Ports = ports;
    }

    public ServerProcess Process { get; }

    public SiloPorts Ports { get; }

    public static async Task<SiloServer> StartAsync(string workingDirectory, SiloPorts ports, IReadOnlyDictionary<string, string> environment)
    {
        var settings = new Dictionary<string, string>(environment)
        {
            ["Cluster__SiloPort"] = ports.SiloPort.ToString(CultureInfo.InvariantCulture),
            ["Cluster__GatewayPort"] = ports.GatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Cluster__AdvertisedIPAddress"] = "127.0.0.1",
            ["Urls"] = ports.HealthAddress.ToString(),
        };
        var process = ServerProcess.Start("silo", RepositoryPaths.BuiltAssembly("Silo", "Orleans.Uploads.Silo"), workingDirectory, settings);
        await process.WaitUntilHealthyAsync(ports.HealthAddress);
        return new SiloServer(process, ports);
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}

public sealed record SiloPorts(int SiloPort, int GatewayPort, int HealthPort)
{
    /// <summary>Where the silo serves its health probes.</summary>
    public Uri HealthAddress => new($"http://127.0.0.1:{HealthPort}/");

    public static SiloPorts Allocate() => new(FreePort.Next(), FreePort.Next(), FreePort.Next());
}
