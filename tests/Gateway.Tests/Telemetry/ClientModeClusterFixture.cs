// Why this exists: a trace must be shown to cross from a gateway into a silo, which needs the two apart: an Orleans silo
// host of its own (the product's silo wiring, UseUploadsSilo) and the keyed gateway in Client mode connected to it over
// Orleans' TCP gateway protocol, both in the test process so an in-memory exporter sees the spans of both.

using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;
using Orleans.Uploads.Gateway.Tests.Access;
using Orleans.Uploads.Hosting.Configuration;
using Orleans.Uploads.Hosting.Silos;

namespace Orleans.Uploads.Gateway.Tests.Telemetry;

/// <summary>
/// A silo host (localhost clustering on the fixture's free ports, state and chunks in the fixture's directories) and the
/// keyed gateway as its Orleans client (<c>Cluster:Mode=Client</c>). The silo starts first and stops last.
/// </summary>
public sealed class ClientModeClusterFixture : AccessGatewayFixture, IAsyncLifetime
{
    private IHost? _silo;

    /// <summary>The silo's address, as the grains it hosts see it.</summary>
    public string SiloAddress => (_silo ?? throw new InvalidOperationException("The silo has not started.")).Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString();

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings() =>
        [.. base.ExtraSettings(), new("Cluster:Mode", "Client"), new("Cluster:Clustering", "Localhost")];

    async Task IAsyncLifetime.InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Uploads:TempDirectory"] = TempDirectory,
            ["Uploads:FinalDirectory"] = FinalDirectory,
            ["Uploads:StateDirectory"] = StateDirectory,
            ["Uploads:ChunkSize"] = ChunkSize.ToString(CultureInfo.InvariantCulture),
            ["Uploads:MaxFileSize"] = MaxFileSize.ToString(CultureInfo.InvariantCulture),
            ["Cluster:Clustering"] = "Localhost",
            ["Cluster:SiloPort"] = SiloPort.ToString(CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = OrleansGatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Orleans"] = "Error",
        });
        var cluster = builder.AddClusterOptions();
        builder.UseOrleans(silo => silo.UseUploadsSilo(cluster));
        _silo = builder.Build();
        await _silo.StartAsync();
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_silo is not null)
        {
            await _silo.StopAsync();
            _silo.Dispose();
        }
    }
}
