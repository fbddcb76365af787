using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Support;

/// <summary>
/// One standalone gateway (with its in-process Orleans silo) hosted by <see cref="WebApplicationFactory{TEntryPoint}"/>,
/// on free silo ports, with its upload directories under a private temp folder that is deleted on dispose.
/// xunit makes one per test class (IClassFixture), so classes run in parallel without sharing state.
/// </summary>
public class GatewayFixture : IAsyncLifetime
{
    /// <summary>The configured default chunk size: the smallest the gateway allows, so tests stay fast.</summary>
    public const int ChunkSize = 64 * 1024;

    /// <summary>Small, so the 413 tests are cheap.</summary>
    public const long MaxFileSize = 4 * 1024 * 1024;

    private readonly TempDirectory _root = new("gateway-tests");
    private GatewayFactory? _factory;
    private HttpClient? _client;

    public GatewayFixture()
    {
        Directory.CreateDirectory(TempDirectory);
        Directory.CreateDirectory(FinalDirectory);
        Directory.CreateDirectory(StateDirectory);
    }

    /// <summary>The folder that holds the three configured directories and nothing else.</summary>
    public string RootDirectory => _root.Path;

    public string TempDirectory => _root.Combine("temp");

    public string FinalDirectory => _root.Combine("final");

    public string StateDirectory => _root.Combine("state");

    public int SiloPort { get; } = FreePort.Next();

    public int OrleansGatewayPort { get; } = FreePort.Next();

    public HttpClient Client => _client ?? throw new InvalidOperationException("The fixture is not initialized.");

    public UploadsApiClient Api => new(Client);

    /// <summary>The gateway's services, its silo's included (they share one container).</summary>
    public IServiceProvider Services => (_factory ?? throw new InvalidOperationException("The fixture is not initialized.")).Services;

    /// <summary>New uploads one client may start per minute; 0 means unlimited.</summary>
    protected virtual int InitiatePermitsPerMinute => 0;

    /// <summary>How long an upload may sit idle before it expires (the product default is an hour).</summary>
    public virtual TimeSpan UploadTimeout => TimeSpan.FromHours(1);

    /// <summary>A second client of the same server (for example one whose requests are shaped differently).</summary>
    public HttpClient CreateClient() =>
        (_factory ?? throw new InvalidOperationException("The fixture is not initialized."))
        .CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>Settings a derived fixture adds or overrides.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> ExtraSettings() => [];

    /// <summary>Services a derived fixture adds to the gateway and its silo (they share one container).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>A WebSocket client talking to the in-memory server.</summary>
    public Microsoft.AspNetCore.TestHost.WebSocketClient CreateWebSocketClient() =>
        (_factory ?? throw new InvalidOperationException("The fixture is not initialized.")).Server.CreateWebSocketClient();

    /// <summary>The temp file an upload's chunks are written to while it is open.</summary>
    public string TempFileOf(Guid uploadId) => Path.Combine(TempDirectory, uploadId.ToString("N") + ".part");

    public Task InitializeAsync()
    {
        var settings = new Dictionary<string, string>
        {
            ["Uploads:TempDirectory"] = TempDirectory,
            ["Uploads:FinalDirectory"] = FinalDirectory,
            ["Uploads:StateDirectory"] = StateDirectory,
            ["Uploads:ChunkSize"] = ChunkSize.ToString(CultureInfo.InvariantCulture),
            ["Uploads:MaxFileSize"] = MaxFileSize.ToString(CultureInfo.InvariantCulture),
            ["Uploads:UploadTimeout"] = UploadTimeout.ToString("c", CultureInfo.InvariantCulture),
            ["Cluster:Mode"] = "Standalone",
            ["Cluster:SiloPort"] = SiloPort.ToString(CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = OrleansGatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Gateway:InitiatePermitsPerMinute"] = InitiatePermitsPerMinute.ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Orleans"] = "Error",
        };
        foreach (var (key, value) in ExtraSettings())
        {
            settings[key] = value;
        }

        _factory = new GatewayFactory(settings, ConfigureServices);

        // Creating the first client starts the host, silo included; grains answer once it returns.
        _client = CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        _root.Dispose();
    }

    private sealed class GatewayFactory(IReadOnlyDictionary<string, string> settings, Action<IServiceCollection> configureServices) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");

            // UseSetting (not ConfigureAppConfiguration): Program reads the Cluster and Gateway sections while it
            // builds, before app-configuration callbacks run, and these settings are visible to it already.
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureServices(configureServices);
        }
    }
}

/// <summary>A gateway that lets one client start only two uploads a minute.</summary>
public sealed class RateLimitedGatewayFixture : GatewayFixture
{
    public const int PermitsPerMinute = 2;

    protected override int InitiatePermitsPerMinute => PermitsPerMinute;
}

/// <summary>A gateway whose uploads expire after one idle second.</summary>
public sealed class ExpiringGatewayFixture : GatewayFixture
{
    public override TimeSpan UploadTimeout => TimeSpan.FromSeconds(1);
}
