using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Grains.Scanning;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Scanning;

/// <summary>A scan waits out a clamd that is down: pending (409 scan_pending, Retry-After) and retried until it comes back.</summary>
public sealed class ClamdComesBackTests(LateClamdGatewayFixture gateway) : IClassFixture<LateClamdGatewayFixture>
{
    [Fact]
    public async Task Scan_pending_while_clamd_is_down_completes_once_clamd_starts()
    {
        var file = ScanExpectations.CleanMp4(200_000, seed: 911);
        var videoId = await gateway.Api.UploadVideoAsync("late.mp4", file, "scan-late");
        var scan = gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IVideoScanGrain>(videoId);
        await Eventually.WaitUntilAsync(async () => (await scan.GetAsync()).FailedAttempts >= 2, "two failed scan attempts");
        Assert.Equal("pending", (await gateway.Api.GetOkAsync($"/api/videos/{videoId}")).GetProperty("scanStatus").GetString());

        using (var pending = await gateway.Api.SendContentAsync(videoId))
        {
            await HttpAssert.ProblemAsync(pending, HttpStatusCode.Conflict, "scan_pending");
            Assert.Equal(TimeSpan.FromSeconds(5), pending.Headers.RetryAfter?.Delta);
        }

        await gateway.Clamd.StartAsync();

        Assert.Equal("clean", await gateway.Api.ScanStatusOfAsync(videoId));
        await gateway.Api.AssertContentAsync(videoId, file);
    }
}

/// <summary>A clamd that never answers: the scan is retried, then scan_failed after Scanning:MaxAttempts attempts.</summary>
public sealed class ClamdAbsentTests(AbsentClamdGatewayFixture gateway) : IClassFixture<AbsentClamdGatewayFixture>
{
    [Fact]
    public async Task Scan_fails_after_its_attempts_and_the_video_is_kept_but_not_served()
    {
        var file = ScanExpectations.CleanMp4(100_000, seed: 912);
        var videoId = await gateway.Api.UploadVideoAsync("absent.mp4", file, "scan-absent");

        Assert.Equal("scan_failed", await gateway.Api.ScanStatusOfAsync(videoId));

        var scan = await gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IVideoScanGrain>(videoId).GetAsync();
        Assert.Equal(AbsentClamdGatewayFixture.Attempts, scan.FailedAttempts);
        Assert.Contains($"no verdict after {AbsentClamdGatewayFixture.Attempts} attempts", scan.Detail, StringComparison.Ordinal);
        using var content = await gateway.Api.SendContentAsync(videoId);
        await HttpAssert.ProblemAsync(content, HttpStatusCode.Conflict, "scan_failed");
        Assert.Equal(file, await File.ReadAllBytesAsync(Path.Combine(gateway.FinalDirectory, TestData.StorageKey(videoId))));
    }
}
