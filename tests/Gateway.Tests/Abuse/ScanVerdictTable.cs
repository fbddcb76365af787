using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Uploads.Gateway.Tests.Scanning;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Grains.Scanning;
using Orleans.Uploads.Grains.Storage;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Abuse;

/// <summary>
/// Scan verdicts from a real clamd, one row per kind of file: the scan status the video settles on, what its content
/// request gets (status and problem <c>code</c>), and that the accepted bytes are intact wherever they now live.
/// </summary>
public sealed class ScanVerdictTable(RunningClamdGatewayFixture gateway) : IClassFixture<RunningClamdGatewayFixture>
{
    public static TheoryData<string, string, HttpStatusCode, string?, string, string?> Rows => new()
    {
        // kind of file, scan status, content status, problem code, where the bytes are afterwards, the scan's recorded reason
        { "clean", "clean", HttpStatusCode.OK, null, "final", null },
        { "eicar", "infected", HttpStatusCode.Forbidden, "video_quarantined", "quarantine", ClamdServer.Finding },
        { "over clamd's StreamMaxLength", "scan_failed", HttpStatusCode.Conflict, "scan_failed", "final", "INSTREAM size limit exceeded" },
        { "over Scanning:ClamAv:MaxStreamLength", "scan_failed", HttpStatusCode.Conflict, "scan_failed", "final", "Scanning:ClamAv:MaxStreamLength" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Verdict_decides_what_content_requests_get_and_keeps_the_bytes(
        string file, string scanStatus, HttpStatusCode contentStatus, string? code, string storedIn, string? reason)
    {
        var bytes = file switch
        {
            "clean" => ScanExpectations.CleanMp4(300_000, seed: 901),
            "eicar" => ScanExpectations.InfectedMp4(seed: 902),
            "over clamd's StreamMaxLength" => ScanExpectations.CleanMp4((int)ClamAvGatewayFixture.ClamdStreamMaxLength + 100_000, seed: 903),
            _ => ScanExpectations.CleanMp4((int)ClamAvGatewayFixture.ConfiguredMaxStreamLength + 100_000, seed: 904),
        };
        var videoId = await gateway.Api.UploadVideoAsync("table.mp4", bytes, "scan-table");

        Assert.Equal(scanStatus, await gateway.Api.ScanStatusOfAsync(videoId));
        var scan = await gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IVideoScanGrain>(videoId).GetAsync();
        Assert.Equal(0, scan.FailedAttempts);
        if (reason is not null)
        {
            Assert.Contains(reason, scan.Detail, StringComparison.Ordinal);
        }

        using var content = await gateway.Api.SendContentAsync(videoId);
        if (code is null)
        {
            Assert.Equal(contentStatus, content.StatusCode);
            Assert.Equal(bytes, await content.Content.ReadAsByteArrayAsync());
        }
        else
        {
            await HttpAssert.ProblemAsync(content, contentStatus, code);
        }

        var key = TestData.StorageKey(videoId);
        var folder = storedIn == "quarantine" ? Path.Combine(gateway.FinalDirectory, FileSystemStore.QuarantineFolder) : gateway.FinalDirectory;
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(folder, key)));
        Assert.Equal(storedIn == "quarantine", !File.Exists(Path.Combine(gateway.FinalDirectory, key)));
        var listed = (await gateway.Api.GetOkAsync("/api/videos?projectId=scan-table")).EnumerateArray().Single(v => v.GetProperty("id").GetGuid() == videoId);
        Assert.Equal(scanStatus, listed.GetProperty("scanStatus").GetString());
    }
}
