// Why this file exists: starting a gateway process costs seconds, so the tests of one class that do not interfere
// share one keyed gateway (its own data directory, fresh random keys) through this xunit class fixture.

using Orleans.Uploads.Harness;

namespace Orleans.Uploads.EndToEnd.Tests.Access;

/// <summary>
/// One gateway process with access control on (<see cref="AccessKeys.Generate"/>: an API key allowed every project and an
/// upload-token signing key), started once per test class and stopped after its last test. A subclass adds settings.
/// </summary>
public class KeyedGatewayFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("uploads-access");
    private GatewayServer? _server;

    public GatewayServer Server => _server ?? throw new InvalidOperationException("the gateway has not started");

    public AccessKeys Keys { get; } = AccessKeys.Generate();

    /// <summary>Where the class's tests write their source files (next to the gateway's data, deleted with it).</summary>
    public string Combine(string name) => _directory.Combine(name);

    /// <summary>Settings beyond the keys, as environment variables.</summary>
    protected virtual IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>();

    /// <summary>The API key and token signing key the gateway starts with (and <see cref="GatewayServer.Http"/> sends); null for none.</summary>
    protected virtual AccessKeys? Access => Keys;

    public async Task InitializeAsync() => _server = await GatewayServer.StartAsync(_directory.Path, environment: Environment, access: Access);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _directory.Dispose();
    }
}
