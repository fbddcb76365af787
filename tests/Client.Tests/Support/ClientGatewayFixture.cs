// Why this file exists: starting a gateway process costs seconds, so the tests of one class share one keyed gateway
// (access control on, its own data directory) through this xunit class fixture, with the limits the refusal tests need.

using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Client.Tests.Support;

/// <summary>A standalone gateway process with an API key (every project) and a 300 MiB file limit, per test class.</summary>
public sealed class ClientGatewayFixture : IAsyncLifetime
{
    public const long MaxFileSize = 300L * 1024 * 1024;

    private readonly TempDirectory _directory = new("uploads-client");
    private GatewayServer? _server;

    public GatewayServer Server => _server ?? throw new InvalidOperationException("the gateway has not started");

    public AccessKeys Keys { get; } = AccessKeys.Generate();

    /// <summary>A fresh folder for one test's files (source files, downloads, the resume store), deleted with the fixture.</summary>
    public string NewFolder()
    {
        var path = _directory.Combine("work-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    public async Task InitializeAsync() => _server = await GatewayServer.StartAsync(
        _directory.Combine(), environment: new Dictionary<string, string> { ["Uploads__MaxFileSize"] = MaxFileSize.ToString(System.Globalization.CultureInfo.InvariantCulture) }, access: Keys);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _directory.Dispose();
    }
}
