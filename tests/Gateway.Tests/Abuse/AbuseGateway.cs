using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Abuse;

/// <summary>
/// A real gateway process (standalone, open on loopback) for the abuse tests, with the settings a test class chooses:
/// real Kestrel, so data rates and sockets behave as in production. Started once per test class, stopped after it.
/// </summary>
public abstract class AbuseGateway : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("abuse");

    public GatewayServer Server { get; private set; } = null!;

    public UploadsApiClient Api => Server.Api;

    protected abstract IReadOnlyDictionary<string, string> Settings { get; }

    public async Task InitializeAsync() => Server = await GatewayServer.StartAsync(_directory.Path, environment: Settings);

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        _directory.Dispose();
    }
}
