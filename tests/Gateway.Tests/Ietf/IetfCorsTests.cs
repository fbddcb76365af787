using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Gateway.Tests.Tus;

namespace Orleans.Uploads.Gateway.Tests.Ietf;

/// <summary>Browsers may send the draft's request headers and read its response headers (CORS), as they may tus's.</summary>
public sealed class IetfCorsTests(CorsGatewayFixture gateway) : IClassFixture<CorsGatewayFixture>
{
    [Theory]
    [InlineData("/files/", "POST", "upload-draft-interop-version,upload-complete,upload-length,content-type")]
    [InlineData("/api/videos", "POST", "upload-draft-interop-version,upload-complete,upload-incomplete,content-type")]
    [InlineData("/files/0123456789abcdef0123456789abcdef", "PATCH", "upload-draft-interop-version,upload-complete,upload-offset,content-type")]
    public async Task Preflights_allow_the_drafts_request_headers(string path, string method, string requestHeaders)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri(path, UriKind.Relative));
        request.Headers.Add("Origin", CorsGatewayFixture.AllowedOrigin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", requestHeaders);

        using var response = await gateway.Client.SendAsync(request);

        Assert.True(response.IsSuccessStatusCode, $"preflight answered {(int)response.StatusCode}");
        var allowed = Values(response, "Access-Control-Allow-Headers");
        foreach (var header in requestHeaders.Split(','))
        {
            Assert.Contains(header, allowed, StringComparer.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Responses_expose_the_drafts_headers()
    {
        using var created = await new IetfClient(gateway.Client, 8).CreateAsync(
            complete: false, body: null, headers: [("Origin", CorsGatewayFixture.AllowedOrigin), ("Upload-Metadata", TusClient.VideoMetadata)]);

        await HttpAssert.StatusAsync(created, HttpStatusCode.Created);
        var exposed = Values(created, "Access-Control-Expose-Headers");
        foreach (var header in new[] { "Location", "Upload-Offset", "Upload-Complete", "Upload-Length", "Upload-Limit", "Upload-Draft-Interop-Version", "Upload-Token" })
        {
            Assert.Contains(header, exposed, StringComparer.OrdinalIgnoreCase);
        }
    }

    private static string[] Values(HttpResponseMessage response, string header) =>
        [.. (IetfClient.Header(response, header) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
