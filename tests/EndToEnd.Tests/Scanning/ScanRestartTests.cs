using System.Globalization;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.EndToEnd.Tests.Scanning;

/// <summary>
/// A scan under way survives a kill -9 of the standalone gateway (whose reminders live only in memory): the restarted
/// server drives the pending scan on from its stored state, and it completes once clamd is up.
/// </summary>
public sealed class ScanRestartTests
{
    [Fact]
    public async Task Pending_scan_resumes_after_a_kill_and_restart_and_completes_when_clamd_comes_up()
    {
        using var directory = new TempDirectory("uploads-e2e-scan");
        await using var clamd = ClamdServer.Create();
        var environment = new Dictionary<string, string>
        {
            ["Scanning__Mode"] = "ClamAv",
            ["Scanning__ClamAv__Host"] = "127.0.0.1",
            ["Scanning__ClamAv__Port"] = clamd.Port.ToString(CultureInfo.InvariantCulture),
            ["Scanning__AttemptInterval"] = "00:00:01",
            ["Scanning__RetriesPerAttempt"] = "0",
            ["Scanning__MaxAttempts"] = "1000",
        };

        // An MP4 header, then bytes.
        byte[] file = [0, 0, 0, 0x18, .. "ftypisom"u8, 0, 0, 2, 0, .. "isomiso2"u8, .. new byte[100_000]];
        var ports = GatewayPorts.Allocate();
        Guid videoId;
        await using (var server = await GatewayServer.StartAsync(directory.Path, ports, environment))
        {
            var upload = await server.Api.InitiateAsync("restart.mp4", file.Length);
            await server.Api.PutChunkAsync(upload.UploadId, 0, file);
            videoId = (await server.Api.CompleteAsync(upload.UploadId)).Id;
            Assert.Equal("pending", (await server.Api.GetVideoAsync(videoId)).ScanStatus);
            await server.Process.KillAsync();
        }

        await clamd.StartAsync();
        await using (var server = await GatewayServer.StartAsync(directory.Path, ports, environment))
        {
            await Eventually.WaitUntilAsync(
                async () => (await server.Api.GetVideoAsync(videoId)).ScanStatus == "clean", $"video {videoId} to be scanned clean after the restart");
            Assert.Equal(file, await server.Api.DownloadAsync(videoId));
        }
    }
}
