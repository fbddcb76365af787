// Why this exists: a gateway with no callers configured runs open only where that is safe (standalone, on loopback);
// asked to listen beyond loopback, or in a cluster, it must refuse to start and say why, unless anonymous access is
// asked for on purpose.

using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Gateway.Hosting;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;
using Orleans.Uploads.Hosting;

namespace Orleans.Uploads.Gateway.Tests.Access;

public sealed class StartupDecisionTests : IDisposable
{
    private readonly TempDirectory _state = new("startup-decision");

    [Theory]
    [InlineData("Urls", "http://0.0.0.0:5000", "http://0.0.0.0:5000")]
    [InlineData("Urls", "http://localhost:5000;http://*:6000", "http://*:6000")]
    [InlineData("HTTP_PORTS", "8080", "http://*:8080")]
    [InlineData("Kestrel:Endpoints:Public:Url", "http://gateway.example:80", "http://gateway.example:80")]
    public void Gateway_without_callers_listening_beyond_loopback_does_not_start(string setting, string value, string named)
    {
        // Built as Program builds it, without Program's catch (which turns the exception into a line on stderr and exit code 1).
        // The shipped appsettings.json sets Urls, which Kestrel prefers to HTTP_PORTS: the other sources are tried without it.
        var builder = setting == "Urls" ? Builder((setting, value)) : Builder(("Urls", ""), (setting, value));
        builder.AddUploadsCluster();

        var failure = Assert.Throws<StartupFailureException>(() => builder.AddUploadGateway());

        Assert.Contains("no callers are configured", failure.Message, StringComparison.Ordinal);
        Assert.Contains(named + ", beyond loopback", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Auth:AllowAnonymous=true", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gateway_without_callers_in_cluster_mode_does_not_start()
    {
        var builder = Builder(("Cluster:Mode", "Client"), ("Urls", "http://127.0.0.1:5000"));

        var failure = Assert.Throws<StartupFailureException>(() => builder.AddUploadAccess());

        Assert.Contains("no callers are configured", failure.Message, StringComparison.Ordinal);
        Assert.Contains("runs in cluster mode", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:5000")]
    [InlineData("http://127.0.0.1:5000;http://[::1]:5001")]
    public void Gateway_without_callers_on_loopback_runs_open_to_this_machine_only(string urls)
    {
        var builder = Builder(("Urls", urls));

        builder.AddUploadAccess();

        Assert.Equal(new AccessMode(Open: true, OpenToEveryAddress: false, JwtConfigured: false), ModeOf(builder) with { AllowedOrigins = null });
    }

    [Fact]
    public void Gateway_with_an_api_key_listening_anywhere_is_not_open()
    {
        var builder = Builder(
            ("Urls", "http://0.0.0.0:5000"), ("Auth:ApiKeys:0:Name", "k"), ("Auth:ApiKeys:0:Key", AccessKeys.NewSecret()), ("Auth:ApiKeys:0:Projects:0", "*"));

        builder.AddUploadAccess();

        Assert.Equal(new AccessMode(Open: false, OpenToEveryAddress: false, JwtConfigured: false), ModeOf(builder) with { AllowedOrigins = null });
    }

    [Fact]
    public async Task WebApplicationFactory_gateway_without_callers_beyond_loopback_does_not_start()
    {
        var gateway = new ExposedGatewayFixture(allowAnonymous: false);
        try
        {
            // Program catches the StartupFailureException (see the tests above for its message), so the host is never built.
            var failure = await Assert.ThrowsAsync<InvalidOperationException>(gateway.InitializeAsync);

            Assert.Contains("without ever building an IHost", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }

    [Fact]
    public async Task WebApplicationFactory_gateway_without_callers_beyond_loopback_starts_when_anonymous_access_is_asked_for()
    {
        var gateway = new ExposedGatewayFixture(allowAnonymous: true);
        try
        {
            await gateway.InitializeAsync();

            var upload = await gateway.Api.StartAsync("anonymous.mp4", 1000, "p-anything");
            Assert.Equal("initiated", (await gateway.Api.GetStatusOkAsync(upload.UploadId)).GetProperty("status").GetString());
            Assert.Equal("healthy", (await gateway.Api.GetOkAsync("/health")).GetProperty("status").GetString());
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }

    public void Dispose() => _state.Dispose();

    private WebApplicationBuilder Builder(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(
            settings.Select(setting => new KeyValuePair<string, string?>(setting.Key, setting.Value))
                .Append(new("Uploads:StateDirectory", _state.Combine("state")))
                .Append(new("Uploads:TempDirectory", _state.Combine("temp")))
                .Append(new("Uploads:FinalDirectory", _state.Combine("final")))
                .Append(new("Cluster:SiloPort", FreePort.Next().ToString(CultureInfo.InvariantCulture)))
                .Append(new("Cluster:GatewayPort", FreePort.Next().ToString(CultureInfo.InvariantCulture))));
        return builder;
    }

    private static AccessMode ModeOf(WebApplicationBuilder builder) =>
        Assert.IsType<AccessMode>(builder.Services.Single(service => service.ServiceType == typeof(AccessMode)).ImplementationInstance);

    /// <summary>A gateway with no API key and no JWT, told to listen on every address (TestServer binds nothing).</summary>
    private sealed class ExposedGatewayFixture(bool allowAnonymous) : GatewayFixture
    {
        protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings() =>
            [new("Urls", "http://0.0.0.0:5000"), new("Auth:AllowAnonymous", allowAnonymous ? "true" : "false")];
    }
}
