using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests;

/// <summary>GET /health, the silo the gateway co-hosts, and what an unknown route answers.</summary>
public sealed class HealthTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private readonly UploadsApiClient _api = gateway.Api;

    [Fact]
    public async Task Health_reports_gateway_cluster_and_storage_healthy()
    {
        var health = await _api.GetOkAsync("/health");

        Assert.Equal("healthy", health.GetProperty("status").GetString());
        var checks = health.GetProperty("checks");
        Assert.Equal(["cluster", "gateway", "storage"], checks.EnumerateObject().Select(check => check.Name).Order(StringComparer.Ordinal));
        foreach (var check in checks.EnumerateObject())
        {
            Assert.True(check.Value.GetProperty("status").GetString() == "healthy", $"{check.Name}: {check.Value}");
        }

        Assert.True(checks.GetProperty("cluster").GetProperty("data").GetProperty("activeSilos").GetInt32() >= 1);
        var storage = checks.GetProperty("storage").GetProperty("data");
        Assert.True(storage.GetProperty("freeBytes").GetInt64() > 0);
        Assert.Equal(1024L * 1024 * 1024, storage.GetProperty("floorBytes").GetInt64()); // Uploads:MinFreeDiskMegabytes by default
    }

    [Fact]
    public async Task The_co_hosted_silo_listens_on_the_configured_ports()
    {
        // Proves the per-fixture Cluster settings reach the silo (several gateways run side by side in this run).
        foreach (var port in new[] { gateway.SiloPort, gateway.OrleansGatewayPort })
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, port);
            Assert.True(tcp.Connected, $"nothing listens on {port}");
        }
    }

    [Theory]
    [InlineData("GET", "/api/nothing-here")]
    [InlineData("GET", "/no/such/route")]
    [InlineData("POST", "/api/uploads/statistics/extra")]
    public async Task Unknown_route_is_a_not_found_problem(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        using var response = await gateway.Client.SendAsync(request);

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.NotFound, "not_found");
        Assert.Equal(JsonValueKind.String, problem.GetProperty("type").ValueKind);
    }

    [Theory]
    [InlineData("PUT", "/api/uploads/6f1c2b1e-0000-4000-8000-000000000001")]
    [InlineData("PATCH", "/api/uploads/initiate")]
    [InlineData("PUT", "/api/videos/6f1c2b1e-0000-4000-8000-000000000002")]
    [InlineData("DELETE", "/api/videos")]
    public async Task Wrong_method_on_a_known_route_is_a_method_not_allowed_problem(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        using var response = await gateway.Client.SendAsync(request);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }
}
