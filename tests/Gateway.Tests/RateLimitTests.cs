using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests;

/// <summary>Gateway:InitiatePermitsPerMinute: a client that starts too many uploads is told to wait.</summary>
public sealed class RateLimitTests(RateLimitedGatewayFixture gateway) : IClassFixture<RateLimitedGatewayFixture>
{
    private readonly UploadsApiClient _api = gateway.Api;

    [Fact]
    public async Task Third_new_upload_in_a_minute_is_rate_limited()
    {
        // One test uses up this gateway's permits, so it is the only test of the class.
        var first = await _api.StartAsync("one.mp4", 1000);
        var second = await _api.StartAsync("two.mp4", 1000);

        using var third = await _api.SendInitiateAsync(new { filename = "three.mp4", fileSize = 1000 });

        await HttpAssert.ProblemAsync(third, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal(TimeSpan.FromSeconds(60), third.Headers.RetryAfter?.Delta);

        // The legacy form post starts an upload too, so it draws on the same permits.
        using var legacy = await _api.SendLegacyUploadAsync("four.mp4", TestData.RandomBytes(100, seed: 91));
        await HttpAssert.ProblemAsync(legacy, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.NotNull(legacy.Headers.RetryAfter);

        // Only starting uploads is limited: the uploads already started go on as usual.
        var file = TestData.RandomBytes(1000, seed: 92);
        Assert.Equal("completed", (await _api.PutChunkOkAsync(first, file, 0)).GetProperty("status").GetString());
        await _api.GetStatusOkAsync(second.UploadId);
        await _api.GetOkAsync("/api/uploads/statistics");
        await _api.GetOkAsync("/health");
    }
}
