using Orleans.Uploads.Gateway.Tests.Support;

namespace Orleans.Uploads.Gateway.Tests.Scanning;

/// <summary>With no scanner configured (the default), videos are <c>unscanned</c> and served at once, in every listing.</summary>
public sealed class NoScannerTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task Video_is_unscanned_and_served_at_once()
    {
        var file = ScanExpectations.CleanMp4(90_000, seed: 931);
        var completed = await gateway.Api.UploadAsync("plain.mp4", file, "scan-none");
        var videoId = completed.GetProperty("id").GetGuid();

        Assert.Equal("unscanned", completed.GetProperty("scanStatus").GetString());
        Assert.Equal("unscanned", (await gateway.Api.GetOkAsync($"/api/videos/{videoId}")).GetProperty("scanStatus").GetString());
        Assert.Equal("unscanned", (await gateway.Api.GetOkAsync("/api/videos?projectId=scan-none"))[0].GetProperty("scanStatus").GetString());
        await gateway.Api.AssertContentAsync(videoId, file);
    }
}
