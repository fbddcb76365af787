using System.Globalization;
using System.Net;
using System.Text.Json;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Cluster.Tests.Startup;

/// <summary>
/// A silo writes the bytes of the sessions it hosts, so it is not ready while its chunk store is below the free-space
/// floor: <c>/health/ready</c> answers 503 (degraded) although the silo is active, and <c>/health/live</c> still 200.
/// </summary>
public sealed class SiloReadinessTests
{
    [Fact]
    public async Task A_silo_below_its_free_space_floor_is_live_but_not_ready()
    {
        using var directory = new TempDirectory("silo-ready");
        var ports = SiloPorts.Allocate();
        var environment = new Dictionary<string, string>
        {
            ["Cluster__SiloPort"] = ports.SiloPort.ToString(CultureInfo.InvariantCulture),
            ["Cluster__GatewayPort"] = ports.GatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Cluster__AdvertisedIPAddress"] = "127.0.0.1",
            ["Urls"] = ports.HealthAddress.ToString(),
            ["Uploads__TempDirectory"] = directory.Combine("temp"),
            ["Uploads__FinalDirectory"] = directory.Combine("final"),
            ["Uploads__StateDirectory"] = directory.Combine("state"),

            // More free space than any disk here has: the store is below its floor from the start.
            ["Uploads__MinFreeDiskMegabytes"] = (1L << 40).ToString(CultureInfo.InvariantCulture),
        };
        await using var silo = ServerProcess.Start("silo", RepositoryPaths.BuiltAssembly("Silo", "Orleans.Uploads.Silo"), directory.Path, environment);
        using var http = new HttpClient { BaseAddress = ports.HealthAddress };

        // Degraded, not unhealthy: membership is active (an inactive silo reads "unhealthy"), only the store is short of room.
        await silo.WaitUntilReadyAsync(async () =>
        {
            using var ready = await http.GetAsync("/health/ready");
            var status = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString();
            return ready.StatusCode == HttpStatusCode.ServiceUnavailable && status == "degraded";
        }, "the silo's readiness reporting its store below the floor");

        using var live = await http.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}
