// Why this exists: with access control on, a few routes must still answer without any credential: the liveness and
// readiness probes (which say nothing but healthy or not) and tus OPTIONS, which clients ask before they hold one.

using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;

namespace Orleans.Uploads.Gateway.Tests.Access;

public sealed class AnonymousRoutesTests(AccessGatewayFixture gateway) : IClassFixture<AccessGatewayFixture>
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Probe_needs_no_credential_and_says_only_its_status(string path)
    {
        var body = await gateway.Api.GetOkAsync(path);

        Assert.Equal(["status"], body.EnumerateObject().Select(property => property.Name));
        Assert.Equal("healthy", body.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("/files/")]
    [InlineData("/files/0123456789abcdef0123456789abcdef")]
    public async Task Tus_options_needs_no_credential(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri(path, UriKind.Relative));
        using var response = await gateway.Anonymous.SendAsync(request);

        await HttpAssert.StatusAsync(response, HttpStatusCode.NoContent);
        Assert.True(response.Headers.Contains("Tus-Extension"));
    }

    [Fact]
    public async Task Detailed_health_needs_a_caller()
    {
        using var response = await gateway.Api.SendHealthAsync();

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "authentication_required");
    }
}
