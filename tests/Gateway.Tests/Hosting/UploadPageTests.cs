// Why this exists: the browser upload page is served at "/" before authentication. These tests pin that it loads with no
// credential even when access control is on, that its assets come with the right types and no-cache, and that serving it
// added no catch-all: an unknown path is still the problem+json 404.

using System.Net;
using Orleans.Uploads.Gateway.Hosting;
using Orleans.Uploads.Gateway.Tests.Access;
using Orleans.Uploads.Gateway.Tests.Support;

namespace Orleans.Uploads.Gateway.Tests.Hosting;

public sealed class UploadPageTests(AccessGatewayFixture gateway) : IClassFixture<AccessGatewayFixture>
{
    [Fact]
    public async Task The_page_is_served_at_the_root_without_a_credential_while_access_control_is_on()
    {
        using var response = await gateway.Anonymous.GetAsync(new Uri("/", UriKind.Relative));

        await HttpAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoCache, $"Cache-Control: {response.Headers.CacheControl}");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(UploadPage.WebRoot, "index.html")), html);
        Assert.Contains("data-testid=\"file-input\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/index.html", "text/html")]
    [InlineData("/app.js", "text/javascript")]
    [InlineData("/app.css", "text/css")]
    public async Task The_page_files_are_served_without_a_credential_with_their_content_type(string path, string mediaType)
    {
        using var response = await gateway.Anonymous.GetAsync(new Uri(path, UriKind.Relative));

        await HttpAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoCache, $"Cache-Control: {response.Headers.CacheControl}");
        Assert.Equal(
            await File.ReadAllBytesAsync(Path.Combine(UploadPage.WebRoot, path.TrimStart('/'))),
            await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/no-such-page")]
    [InlineData("/uploads/0123456789abcdef")]
    [InlineData("/app.js/more")]
    public async Task An_unknown_path_is_still_the_problem_404_not_the_page(string path)
    {
        using var client = gateway.ClientWithBearer(gateway.AdminKey);
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task An_unknown_path_without_a_credential_is_refused_not_the_page()
    {
        using var response = await gateway.Anonymous.GetAsync(new Uri("/no-such-page", UriKind.Relative));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "authentication_required");
    }
}

/// <summary>The same page in open mode (no callers configured, loopback): what <c>dotnet run --project src/Gateway</c> gives.</summary>
public sealed class OpenModeUploadPageTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task The_page_is_served_at_the_root()
    {
        using var response = await gateway.Client.GetAsync(new Uri("/", UriKind.Relative));

        await HttpAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_unknown_path_is_the_problem_404()
    {
        using var response = await gateway.Client.GetAsync(new Uri("/no-such-page", UriKind.Relative));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }
}
