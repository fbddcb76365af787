using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Grains.Scanning;
using Orleans.Uploads.Grains.Storage;

namespace Orleans.Uploads.Gateway.Tests.Scanning;

/// <summary>A gateway whose scanner is the in-test webhook receiver, with quick retries.</summary>
public sealed class WebhookGatewayFixture : GatewayFixture, IAsyncLifetime
{
    public ScanWebhookReceiver Receiver { get; private set; } = null!;

    public new async Task InitializeAsync()
    {
        Receiver = await ScanWebhookReceiver.StartAsync();
        await base.InitializeAsync();
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
    }

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings() =>
    [
        new("Scanning:Mode", "Webhook"),
        new("Scanning:Webhook:Url", Receiver.Url.ToString()),
        new("Scanning:Webhook:Secret", ScanWebhookReceiver.Secret),
        new("Scanning:AttemptInterval", "00:00:01"),
        new("Scanning:RetriesPerAttempt", "2"),
        new("Scanning:RetryDelay", "00:00:00.050"),
    ];
}

/// <summary>The signed webhook decides: a 503 is retried, the verdict is taken, an infected video is quarantined.</summary>
public sealed class WebhookScanTests(WebhookGatewayFixture gateway) : IClassFixture<WebhookGatewayFixture>
{
    [Fact]
    public async Task Clean_verdict_after_a_retried_failure_serves_the_video()
    {
        var file = ScanExpectations.CleanMp4(70_000, seed: 921);
        var videoId = await gateway.Api.UploadVideoAsync("holiday.mp4", file, "scan-webhook");

        Assert.Equal("clean", await gateway.Api.ScanStatusOfAsync(videoId));

        // The 503 was retried within the first attempt (Polly), not left to the next one.
        Assert.Equal(2, gateway.Receiver.CallsFor(videoId));
        Assert.Equal(0, (await gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IVideoScanGrain>(videoId).GetAsync()).FailedAttempts);
        Assert.Equal(0, gateway.Receiver.BadSignatures);
        await gateway.Api.AssertContentAsync(videoId, file);
    }

    [Fact]
    public async Task Infected_verdict_quarantines_the_video()
    {
        var file = ScanExpectations.CleanMp4(70_000, seed: 922);
        var videoId = await gateway.Api.UploadVideoAsync("infected.mp4", file, "scan-webhook");

        Assert.Equal("infected", await gateway.Api.ScanStatusOfAsync(videoId));

        Assert.Equal(0, gateway.Receiver.BadSignatures);
        using var content = await gateway.Api.SendContentAsync(videoId);
        await HttpAssert.ProblemAsync(content, HttpStatusCode.Forbidden, "video_quarantined");
        var quarantined = Path.Combine(gateway.FinalDirectory, FileSystemStore.QuarantineFolder, TestData.StorageKey(videoId));
        Assert.Equal(file, await File.ReadAllBytesAsync(quarantined));
    }

    [Fact]
    public async Task Removing_a_quarantined_video_removes_its_quarantined_bytes_too()
    {
        var tus = new Tus.TusClient(gateway.Client);
        var file = ScanExpectations.CleanMp4(70_000, seed: 923);
        var id = await tus.CreateOkAsync(file.Length, Tus.TusClient.Metadata(("filename", "infected.mp4")));
        await tus.PatchOkAsync(id, 0, file);
        Assert.Equal("infected", await gateway.Api.ScanStatusOfAsync(id));
        var quarantined = Path.Combine(gateway.FinalDirectory, FileSystemStore.QuarantineFolder, TestData.StorageKey(id));
        Assert.True(File.Exists(quarantined));

        using var deleted = await tus.DeleteAsync(id);

        await HttpAssert.StatusAsync(deleted, HttpStatusCode.NoContent);
        Assert.False(File.Exists(quarantined), "the quarantined copy outlived its video");
    }
}
