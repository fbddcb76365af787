using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Gateway.Tests.Tus;

namespace Orleans.Uploads.Gateway.Tests.Ietf;

/// <summary>A creation is a new upload for the rate limits, wherever it is sent: the third in a minute is 429.</summary>
public sealed class IetfRateLimitTests(RateLimitedGatewayFixture gateway) : IClassFixture<RateLimitedGatewayFixture>
{
    [Fact]
    public async Task The_third_creation_in_a_minute_is_rate_limited_and_started_uploads_go_on()
    {
        // One test uses up this gateway's permits, so it is the only test of the class.
        var ietf = new IetfClient(gateway.Client, 8);
        var id = await ietf.CreateOpenAsync(length: 1000);
        using (var second = await ietf.CreateAsync(complete: true, TestData.RandomBytes(1000, seed: 1970), "/api/videos"))
        {
            await HttpAssert.StatusAsync(second, HttpStatusCode.Created);
        }

        using var third = await ietf.CreateAsync(complete: false, body: null, headers: ("Upload-Metadata", TusClient.VideoMetadata));

        await HttpAssert.ProblemAsync(third, HttpStatusCode.TooManyRequests, "rate_limited");
        using var append = await ietf.AppendAsync(id, 0, TestData.RandomBytes(1000, seed: 1971), complete: true);
        await HttpAssert.StatusAsync(append, HttpStatusCode.OK);
    }
}
