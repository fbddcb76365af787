// Why this exists: /metrics names every project's traffic and the cluster's state, so on a gateway it is for operators
// only (a caller allowed every project) unless opened on purpose, and it is never rate limited like the probes.

using System.Net;
using Orleans.Uploads.Gateway.Tests.Access;
using Orleans.Uploads.Gateway.Tests.Support;

namespace Orleans.Uploads.Gateway.Tests.Telemetry;

/// <summary>Who may scrape a gateway's <c>/metrics</c>: 401 without a credential, 403 for a caller limited to some projects.</summary>
public sealed class MetricsAccessTests(AccessGatewayFixture gateway, OpenMetricsGatewayFixture open)
    : IClassFixture<AccessGatewayFixture>, IClassFixture<OpenMetricsGatewayFixture>
{
    [Fact]
    public async Task Without_a_credential_metrics_are_refused_with_401()
    {
        using var response = await gateway.Anonymous.GetAsync("/metrics");
        await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "authentication_required");
    }

    [Fact]
    public async Task A_key_limited_to_some_projects_is_refused_with_403()
    {
        using var client = gateway.ClientWithBearer(gateway.OwnerKey);
        using var response = await client.GetAsync("/metrics");
        await HttpAssert.ProblemAsync(response, HttpStatusCode.Forbidden, "operator_credential_required");
    }

    [Fact]
    public async Task A_jwt_limited_to_some_projects_is_refused_with_403()
    {
        using var client = gateway.ClientWithBearer(CallerJwts.Mint(gateway, new[] { AccessGatewayFixture.OwnerProject }));
        using var response = await client.GetAsync("/metrics");
        await HttpAssert.ProblemAsync(response, HttpStatusCode.Forbidden, "operator_credential_required");
    }

    [Fact]
    public async Task An_upload_token_alone_is_refused_with_403()
    {
        using var owner = new Owner(gateway);
        var upload = await owner.StartChunkedAsync(TestData.RandomVideo(GatewayFixture.ChunkSize * 2, seed: 14_001, ".mp4"));
        using var client = gateway.ClientWithUploadToken(upload.Token);
        using var response = await client.GetAsync("/metrics");
        await HttpAssert.ProblemAsync(response, HttpStatusCode.Forbidden, "caller_credential_required");
    }

    [Fact]
    public async Task A_key_allowed_every_project_reads_prometheus_text()
    {
        using var client = gateway.ClientWithBearer(gateway.AdminKey);
        using var response = await client.GetAsync("/metrics");
        await HttpAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains("# TYPE ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_jwt_allowed_every_project_reads_metrics()
    {
        using var client = gateway.ClientWithBearer(CallerJwts.Mint(gateway, new[] { "*" }));
        using var response = await client.GetAsync("/metrics");
        await HttpAssert.StatusAsync(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task With_MetricsOpen_anyone_reads_metrics()
    {
        using var response = await open.Anonymous.GetAsync("/metrics");
        await HttpAssert.StatusAsync(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Metrics_are_not_rate_limited_per_caller_while_other_routes_are()
    {
        // A burst well beyond the caller's requests per second: every scrape is answered, the detailed health is not.
        using var client = open.ClientWithBearer(open.AdminKey);
        var burst = OpenMetricsGatewayFixture.RequestsPerSecond * 4;
        var scrapes = await BurstAsync(client, "/metrics", burst);
        Assert.All(scrapes, status => Assert.Equal(HttpStatusCode.OK, status));
        var health = await BurstAsync(client, "/health", burst);
        Assert.Contains(HttpStatusCode.TooManyRequests, health);
    }

    private static async Task<HttpStatusCode[]> BurstAsync(HttpClient client, string path, int count)
    {
        var statuses = new HttpStatusCode[count];
        for (var i = 0; i < count; i++)
        {
            using var response = await client.GetAsync(path);
            statuses[i] = response.StatusCode;
        }

        return statuses;
    }
}
