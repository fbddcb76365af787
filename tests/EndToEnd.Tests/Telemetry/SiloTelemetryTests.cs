// Why this exists: in a cluster the upload sessions live on silos, so their events are counted there, and a silo has no
// API keys: its /metrics and dashboard take a scrape token, are open on a loopback-only silo without one, and closed to
// everyone on a silo reachable beyond loopback without one. Silos and gateways run as real processes on loopback; the
// "beyond loopback" silo listens on a Unix socket (which counts as beyond: a proxy's way in), never on a network address.

using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Orleans.Uploads.Harness;
using Orleans.Uploads.TestSupport;

namespace Orleans.Uploads.EndToEnd.Tests.Telemetry;

/// <summary>A silo's <c>/metrics</c> and dashboard: its scrape token, and the upload events of a Client-mode gateway counted on the silo.</summary>
public sealed class SiloTelemetryTests
{
    private static readonly string ScrapeToken = AccessKeys.NewSecret();

    [Fact]
    public async Task A_silo_with_a_scrape_token_serves_metrics_and_dashboard_to_that_token_only_and_counts_a_client_gateways_upload()
    {
        using var directory = new TempDirectory("silo-telemetry");
        var ports = SiloPorts.Allocate();
        await using var silo = await SiloServer.StartAsync(directory.Path, ports, new Dictionary<string, string>
        {
            ["Telemetry__ScrapeToken"] = ScrapeToken,
            ["Dashboard__Enabled"] = "true",
        });
        using var http = new HttpClient { BaseAddress = ports.HealthAddress };

        foreach (var path in new[] { "/metrics", "/dashboard/" })
        {
            await AssertRefusedAsync(http, path, bearer: null, silo);
            await AssertRefusedAsync(http, path, bearer: AccessKeys.NewSecret(), silo);
            using var admitted = await GetAsync(http, path, ScrapeToken);
            Assert.True(admitted.StatusCode == HttpStatusCode.OK, $"{path} with the token: {(int)admitted.StatusCode}\n{silo.Process.Output}");
        }

        Assert.DoesNotContain(ScrapeToken, silo.Process.Output, StringComparison.Ordinal);

        // A gateway in Client mode sends one upload to the silo: the session's events are counted where the grain ran.
        await using var gateway = await GatewayServer.StartAsync(
            directory.Path,
            new GatewayPorts(FreePort.Next(), FreePort.Next(), ports.GatewayPort),
            new Dictionary<string, string> { ["Cluster__Mode"] = "Client", ["Cluster__Clustering"] = "Localhost" },
            AccessKeys.Generate());
        var file = new byte[10_000];
        new Random(14).NextBytes(file);
        VideoHeaders.Stamp(file);
        var upload = await gateway.Api.InitiateAsync("silo.mp4", file.Length, Convert.ToHexStringLower(SHA256.HashData(file)));
        await gateway.Api.PutChunkAsync(upload.UploadId, 0, file);
        await gateway.Api.CompleteAsync(upload.UploadId);

        await Eventually.WaitUntilAsync(
            async () =>
            {
                var scrape = await ScrapeAsync(http, ScrapeToken);
                return scrape.Value("uploads_completed_total", ("protocol", "seed")) == 1
                    && scrape.Value("uploads_received_bytes_total", ("protocol", "seed")) == file.Length;
            },
            "the silo's /metrics to count the upload");

        // The gateway timed the chunk but hosts no grain: it counts no upload of its own.
        using var gatewayScrape = await gateway.Http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var gatewayMetrics = new PrometheusText(await gatewayScrape.Content.ReadAsStringAsync());
        Assert.Equal(1, gatewayMetrics.Value("uploads_chunk_duration_seconds_count", ("protocol", "seed")));
        Assert.Equal(0, gatewayMetrics.Value("uploads_completed_total", ("protocol", "seed")));
    }

    [Fact]
    public async Task A_loopback_only_silo_without_a_token_serves_metrics_to_anyone_and_has_no_dashboard_by_default()
    {
        using var directory = new TempDirectory("silo-telemetry");
        var ports = SiloPorts.Allocate();
        await using var silo = await SiloServer.StartAsync(directory.Path, ports, new Dictionary<string, string>());
        using var http = new HttpClient { BaseAddress = ports.HealthAddress };

        using var metrics = await GetAsync(http, "/metrics", bearer: null);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("orleans_", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var dashboard = await GetAsync(http, "/dashboard/", bearer: null);
        Assert.Equal(HttpStatusCode.NotFound, dashboard.StatusCode);
    }

    [Fact]
    public async Task A_silo_reachable_beyond_loopback_without_a_token_refuses_metrics_to_everyone()
    {
        using var directory = new TempDirectory("silo-telemetry");
        var ports = SiloPorts.Allocate();
        await using var silo = await SiloServer.StartAsync(directory.Path, ports, new Dictionary<string, string>
        {
            // Both endpoints replace Urls: the probes' loopback port, and a Unix socket (beyond loopback, as a proxy's would be).
            ["Kestrel__Endpoints__Probes__Url"] = ports.HealthAddress.ToString(),
            ["Kestrel__Endpoints__Socket__Url"] = "http://unix:" + directory.Combine("silo.sock"),
        });
        using var http = new HttpClient { BaseAddress = ports.HealthAddress };

        await AssertRefusedAsync(http, "/metrics", bearer: null, silo);
        Assert.Contains("no Telemetry:ScrapeToken", silo.Process.Output, StringComparison.Ordinal);
    }

    private static async Task AssertRefusedAsync(HttpClient http, string path, string? bearer, SiloServer silo)
    {
        using var response = await GetAsync(http, path, bearer);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{path}: {(int)response.StatusCode} {body}\n{silo.Process.Output}");
        Assert.Contains("\"code\":\"scrape_token_required\"", body, StringComparison.Ordinal);
    }

    private static async Task<PrometheusText> ScrapeAsync(HttpClient http, string bearer)
    {
        using var response = await GetAsync(http, "/metrics", bearer);
        return new PrometheusText(await response.Content.ReadAsStringAsync());
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string? bearer)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return http.SendAsync(request);
    }
}
