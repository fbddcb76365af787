// Why this exists: browsers send credentials only in headers a CORS preflight allowed, and let scripts read only the
// response headers the server exposes; access control adds Authorization and X-Upload-Token to the one, Upload-Token to the other.

using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Gateway.Tests.Tus;

namespace Orleans.Uploads.Gateway.Tests.Access;

public sealed class AccessCorsTests(AccessOriginGatewayFixture gateway) : IClassFixture<AccessOriginGatewayFixture>
{
    private const string Allowed = AccessOriginGatewayFixture.AllowedOrigin;

    [Theory]
    [InlineData("POST", "/api/uploads/initiate", "authorization,content-type")]
    [InlineData("PUT", "/api/uploads/0b7f9cd2-6f0e-4c57-9f3f-2f4d9d1e0a11/chunks/0", "x-upload-token,content-type,x-chunk-hash")]
    [InlineData("PATCH", "/files/0b7f9cd26f0e4c579f3f2f4d9d1e0a11", "x-upload-token,tus-resumable,upload-offset,content-type")]
    [InlineData("POST", "/files/", "authorization,tus-resumable,upload-length,upload-metadata")]
    public async Task Preflight_allows_the_credential_headers(string method, string path, string requestHeaders)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri(path, UriKind.Relative));
        request.Headers.Add("Origin", Allowed);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", requestHeaders);

        using var response = await gateway.Anonymous.SendAsync(request);

        Assert.True(response.IsSuccessStatusCode, $"preflight answered {(int)response.StatusCode}");
        Assert.Equal(Allowed, TusClient.Header(response, "Access-Control-Allow-Origin"));
        var allowedHeaders = Values(response, "Access-Control-Allow-Headers");
        foreach (var header in requestHeaders.Split(','))
        {
            Assert.Contains(header, allowedHeaders, StringComparer.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Tus_creation_exposes_the_upload_token_to_the_allowed_origin()
    {
        using var client = gateway.ClientWithBearer(gateway.OwnerKey);

        using var created = await new TusClient(client).CreateAsync(
            ("Origin", Allowed), ("Upload-Length", "100"), ("Upload-Metadata", TusClient.Metadata(("filename", "cors.mp4"), ("projectId", AccessGatewayFixture.OwnerProject))));

        await TusClient.AssertCreatedAsync(created);
        Assert.False(string.IsNullOrEmpty(TusClient.Header(created, "Upload-Token")));
        Assert.Contains("Upload-Token", Values(created, "Access-Control-Expose-Headers"), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_refusal_still_carries_the_cors_grant_so_the_page_can_read_it()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/uploads/statistics", UriKind.Relative));
        request.Headers.Add("Origin", Allowed);

        using var response = await gateway.Anonymous.SendAsync(request);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "authentication_required");
        Assert.Equal(Allowed, TusClient.Header(response, "Access-Control-Allow-Origin"));
    }

    private static string[] Values(HttpResponseMessage response, string header) =>
        [.. (TusClient.Header(response, header) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
