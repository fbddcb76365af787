using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;

namespace Orleans.Uploads.Gateway.Tests.Tus;

/// <summary>
/// Browsers speaking tus (tus-js-client, Uppy): with Gateway:AllowedOrigins set, preflights for the tus methods and
/// headers are allowed, and the tus response headers are exposed to scripts; other origins get no CORS grant.
/// </summary>
public sealed class TusCorsTests(CorsGatewayFixture gateway) : IClassFixture<CorsGatewayFixture>
{
    private const string Allowed = CorsGatewayFixture.AllowedOrigin;
    private const string Disallowed = "https://evil.example";
    private readonly TusClient _tus = new(gateway.Client);

    [Theory]
    [InlineData("PATCH", "tus-resumable,upload-offset,content-type")]
    [InlineData("HEAD", "tus-resumable")]
    [InlineData("DELETE", "tus-resumable")]
    [InlineData("POST", "tus-resumable,upload-offset,content-type,x-http-method-override")]
    public async Task Preflight_for_an_upload_url_is_allowed_for_the_configured_origin(string method, string requestHeaders)
    {
        using var response = await PreflightAsync(TusClient.PathOf(Guid.NewGuid()), Allowed, method, requestHeaders);

        Assert.True(response.IsSuccessStatusCode, $"preflight answered {(int)response.StatusCode}");
        Assert.Equal(Allowed, TusClient.Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains(method, Values(response, "Access-Control-Allow-Methods"), StringComparer.OrdinalIgnoreCase);
        var allowedHeaders = Values(response, "Access-Control-Allow-Headers");
        foreach (var header in requestHeaders.Split(','))
        {
            Assert.Contains(header, allowedHeaders, StringComparer.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Preflight_for_creation_is_allowed_for_the_configured_origin()
    {
        const string requestHeaders = "tus-resumable,upload-length,upload-defer-length,upload-metadata,upload-concat,upload-checksum,content-type";

        using var response = await PreflightAsync("/files/", Allowed, "POST", requestHeaders);

        Assert.True(response.IsSuccessStatusCode, $"preflight answered {(int)response.StatusCode}");
        Assert.Equal(Allowed, TusClient.Header(response, "Access-Control-Allow-Origin"));
        var allowedHeaders = Values(response, "Access-Control-Allow-Headers");
        foreach (var header in requestHeaders.Split(','))
        {
            Assert.Contains(header, allowedHeaders, StringComparer.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Responses_expose_the_tus_headers_to_the_allowed_origin()
    {
        using var created = await _tus.CreateAsync(("Origin", Allowed), ("Upload-Length", "100"), ("Upload-Metadata", TusClient.VideoMetadata));
        var id = await TusClient.AssertCreatedAsync(created);
        Assert.Equal(Allowed, TusClient.Header(created, "Access-Control-Allow-Origin"));
        var exposed = Values(created, "Access-Control-Expose-Headers");
        foreach (var header in new[] { "Location", "Tus-Resumable", "Upload-Offset", "Upload-Expires", "Upload-Length", "Upload-Metadata" })
        {
            Assert.Contains(header, exposed, StringComparer.OrdinalIgnoreCase);
        }

        using var patched = await _tus.PatchAsync(id, 0, TestData.RandomBytes(40, seed: 1901), ("Origin", Allowed));
        await HttpAssert.StatusAsync(patched, HttpStatusCode.NoContent);
        Assert.Equal(Allowed, TusClient.Header(patched, "Access-Control-Allow-Origin"));
        Assert.Contains("Upload-Offset", Values(patched, "Access-Control-Expose-Headers"), StringComparer.OrdinalIgnoreCase);

        using var head = await _tus.HeadAsync(id, ("Origin", Allowed));
        await HttpAssert.StatusAsync(head, HttpStatusCode.OK);
        Assert.Equal(Allowed, TusClient.Header(head, "Access-Control-Allow-Origin"));
        Assert.Contains("Upload-Offset", Values(head, "Access-Control-Expose-Headers"), StringComparer.OrdinalIgnoreCase);
        Assert.Contains("Upload-Expires", Values(head, "Access-Control-Expose-Headers"), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Other_origins_get_no_cors_grant()
    {
        using (var preflight = await PreflightAsync(TusClient.PathOf(Guid.NewGuid()), Disallowed, "PATCH", "tus-resumable,upload-offset,content-type"))
        {
            Assert.False(TusClient.HasHeader(preflight, "Access-Control-Allow-Origin"));
            Assert.False(TusClient.HasHeader(preflight, "Access-Control-Allow-Methods"));
        }

        // This gateway runs open (no keys): a page of another site is not the local developer, so it is refused too.
        using var created = await _tus.CreateAsync(("Origin", Disallowed), ("Upload-Length", "100"), ("Upload-Metadata", TusClient.VideoMetadata));
        await HttpAssert.ProblemAsync(created, HttpStatusCode.Unauthorized, "authentication_required");
        Assert.False(TusClient.HasHeader(created, "Access-Control-Allow-Origin"));
        Assert.False(TusClient.HasHeader(created, "Access-Control-Expose-Headers"));
    }

    /// <summary>A browser asks before each chunk URL; the answer holds for an hour instead of its default 5 s.</summary>
    [Fact]
    public async Task Preflights_may_be_cached_for_an_hour()
    {
        using var response = await PreflightAsync(TusClient.PathOf(Guid.NewGuid()), Allowed, "PATCH", "tus-resumable,upload-offset,content-type");

        Assert.True(response.IsSuccessStatusCode, $"preflight answered {(int)response.StatusCode}");
        Assert.Equal("3600", TusClient.Header(response, "Access-Control-Max-Age"));
    }

    /// <summary>Scripts read Content-Range and Accept-Ranges of a ranged download and Retry-After of a 429 or 503.</summary>
    [Fact]
    public async Task Responses_expose_range_and_retry_headers_to_the_allowed_origin()
    {
        using var created = await _tus.CreateAsync(("Origin", Allowed), ("Upload-Length", "100"), ("Upload-Metadata", TusClient.VideoMetadata));
        await HttpAssert.StatusAsync(created, HttpStatusCode.Created);

        var exposed = Values(created, "Access-Control-Expose-Headers");
        foreach (var header in new[] { "Content-Range", "Accept-Ranges", "Retry-After" })
        {
            Assert.Contains(header, exposed, StringComparer.OrdinalIgnoreCase);
        }
    }

    /// <summary>What a browser sends before a tus request: no Tus-Resumable, only the Access-Control-Request-* headers.</summary>
    private Task<HttpResponseMessage> PreflightAsync(string path, string origin, string method, string requestHeaders) =>
        _tus.SendAsync(
            HttpMethod.Options,
            path,
            null,
            ("Tus-Resumable", null),
            ("Origin", origin),
            ("Access-Control-Request-Method", method),
            ("Access-Control-Request-Headers", requestHeaders));

    private static string[] Values(HttpResponseMessage response, string header) =>
        [.. (TusClient.Header(response, header) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
