// Why this exists: a URL ends up in logs and browser history, so an upload token is taken from the query string only
// where a header is impossible (the progress WebSocket, download links); everywhere else it is not a credential at all.

using System.Net;
using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Gateway.Tests.Tus;

namespace Orleans.Uploads.Gateway.Tests.Access;

public sealed class QueryTokenTests(AccessGatewayFixture gateway) : IClassFixture<AccessGatewayFixture>
{
    public static TheoryData<string, string> RoutesWithoutQueryTokens => new()
    {
        { "GET", "/api/uploads/{id}" },
        { "POST", "/api/uploads/{id}/complete" },
        { "DELETE", "/api/uploads/{id}" },
        { "HEAD", "/files/{id}" },
        { "DELETE", "/files/{id}" },
        { "GET", "/api/videos/{id}" },
    };

    [Theory]
    [MemberData(nameof(RoutesWithoutQueryTokens))]
    public async Task Token_in_the_query_is_ignored_where_only_headers_are_accepted(string method, string route)
    {
        using var owner = new Owner(gateway);
        var upload = await owner.UploadChunkedAsync(Owner.NewFile(2000));

        using var response = await SendAsync(method, route, upload);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        if (method != "HEAD")
        {
            await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "authentication_required");
        }

        await owner.AssertStoredAsync(upload.Id, upload.Sha256);
    }

    [Theory]
    [InlineData("/api/videos/{id}/content")]
    [InlineData("/files/{id}")]
    public async Task Token_in_the_query_opens_a_download_link(string route)
    {
        using var owner = new Owner(gateway);
        var upload = await owner.UploadChunkedAsync(Owner.NewFile(2000));

        using var response = await SendAsync("GET", route, upload);

        await HttpAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Equal(upload.Sha256, TestData.Sha256Hex(await response.Content.ReadAsByteArrayAsync()));
    }

    private Task<HttpResponseMessage> SendAsync(string method, string route, OwnedUpload upload)
    {
        var path = route.Replace("{id}", route.StartsWith("/files/", StringComparison.Ordinal) ? upload.Id.ToString("N") : upload.Id.ToString(), StringComparison.Ordinal);
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri($"{path}?{AccessSchemes.AccessTokenQuery}={upload.Token}", UriKind.Relative));
        request.Headers.Add("Tus-Resumable", TusClient.Version);
        return gateway.Anonymous.SendAsync(request);
    }
}
