using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.TestSupport;

namespace Orleans.Uploads.Gateway.Tests.Tus;

/// <summary>A gateway of its own for one scenario whose statistics must count exactly what it did.</summary>
public sealed class TusStatisticsGatewayFixture : GatewayFixture;

/// <summary>
/// A gateway like <see cref="GatewayFixture"/> (same limits, its own silo and temp folder) that allows one browser
/// origin, <see cref="AllowedOrigin"/>. GatewayFixture has no hook for extra settings, hence this small twin.
/// </summary>
public sealed class CorsGatewayFixture : IAsyncLifetime
{
    public const string AllowedOrigin = "https://app.example";

    private readonly TempDirectory _root = new("gateway-tus-cors");
    private Factory? _factory;
    private HttpClient? _client;

    public HttpClient Client => _client ?? throw new InvalidOperationException("The fixture is not initialized.");

    public Task InitializeAsync()
    {
        var settings = new Dictionary<string, string>
        {
            ["Uploads:TempDirectory"] = _root.Combine("temp"),
            ["Uploads:FinalDirectory"] = _root.Combine("final"),
            ["Uploads:StateDirectory"] = _root.Combine("state"),
            ["Uploads:ChunkSize"] = GatewayFixture.ChunkSize.ToString(CultureInfo.InvariantCulture),
            ["Uploads:MaxFileSize"] = GatewayFixture.MaxFileSize.ToString(CultureInfo.InvariantCulture),
            ["Cluster:Mode"] = "Standalone",
            ["Cluster:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Gateway:InitiatePermitsPerMinute"] = "0",
            ["Gateway:AllowedOrigins:0"] = AllowedOrigin,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Orleans"] = "Error",
        };
        foreach (var directory in new[] { "temp", "final", "state" })
        {
            Directory.CreateDirectory(_root.Combine(directory));
        }

        _factory = new Factory(settings);
        _client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
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

    private sealed class Factory(IReadOnlyDictionary<string, string> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
