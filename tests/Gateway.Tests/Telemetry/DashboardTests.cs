// Why this exists: the Orleans dashboard shows every grain type, silo and reminder of the cluster, so it exists only when
// Dashboard:Enabled says so and then only for operators, like /metrics.

using System.Net;
using Orleans.Uploads.Gateway.Tests.Access;
using Orleans.Uploads.Gateway.Tests.Support;

namespace Orleans.Uploads.Gateway.Tests.Telemetry;

/// <summary>The dashboard on the standalone server: at /dashboard when enabled, for operators; absent when not.</summary>
public sealed class DashboardTests(DashboardGatewayFixture enabled, AccessGatewayFixture disabled)
    : IClassFixture<DashboardGatewayFixture>, IClassFixture<AccessGatewayFixture>
{
    [Fact]
    public async Task Enabled_it_serves_its_page_and_its_cluster_data_to_an_operator()
    {
        using var client = enabled.ClientWithBearer(enabled.AdminKey);
        using var page = await client.GetAsync("/dashboard/");
        await HttpAssert.StatusAsync(page, HttpStatusCode.OK);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);

        using var stats = await client.GetAsync("/dashboard/ClusterStats");
        await HttpAssert.StatusAsync(stats, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Enabled_it_refuses_no_credential_with_401_and_a_project_limited_key_with_403()
    {
        using var anonymous = await enabled.Anonymous.GetAsync("/dashboard/");
        await HttpAssert.ProblemAsync(anonymous, HttpStatusCode.Unauthorized, "authentication_required");

        using var limited = enabled.ClientWithBearer(enabled.OwnerKey);
        using var refused = await limited.GetAsync("/dashboard/ClusterStats");
        await HttpAssert.ProblemAsync(refused, HttpStatusCode.Forbidden, "operator_credential_required");
    }

    [Fact]
    public async Task Disabled_by_default_its_path_is_not_found_even_for_an_operator()
    {
        using var client = disabled.ClientWithBearer(disabled.AdminKey);
        using var page = await client.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        using var stats = await client.GetAsync("/dashboard/ClusterStats");
        Assert.Equal(HttpStatusCode.NotFound, stats.StatusCode);
    }
}
