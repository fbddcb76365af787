using System.Globalization;
using System.Net;
using Orleans.Uploads.Harness;
using static Orleans.Uploads.Gateway.Tests.Abuse.AbuseFiles;

namespace Orleans.Uploads.Gateway.Tests.Abuse;

/// <summary>
/// Slow bodies, one row per way a body can hold the gateway up, each against its own real gateway process with 1 MiB
/// chunks, a 1 MiB body budget, a 2 s limit on waiting for it and a 50 kB/s minimum data rate after 2 s of grace.
/// Every row expects 408 <c>request_timeout</c> (problem+json), and then that the upload's accepted bytes are intact
/// and it finishes with a later request, which needs the whole budget: so the timed-out request gave its share back.
/// </summary>
public sealed class SlowBodyTable
{
    private const int FileSize = 2 * MiB;

    public static TheoryData<string> Rows => new()
    {
        "a seed chunk that stalls half-way",
        "a tus PATCH that stalls half-way",
        "a seed chunk that waits for the body budget",
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task A_slow_body_is_timed_out_and_the_upload_stays_intact_and_resumable(string row)
    {
        using var directory = new TempDirectory("slow-bodies");
        await using var gateway = await GatewayServer.StartAsync(directory.Path, environment: new Dictionary<string, string>
        {
            ["Uploads__ChunkSize"] = MiB.ToString(CultureInfo.InvariantCulture),
            ["Gateway__BodyBufferMegabytes"] = "1",
            ["Gateway__BodyBufferWaitSeconds"] = "2",
            ["Gateway__MinBodyBytesPerSecond"] = "50000",
            ["Gateway__BodyRateGraceSeconds"] = "2",
        });
        var file = Video(FileSize, seed: 1100 + row.Length);

        switch (row)
        {
            case "a seed chunk that stalls half-way":
                await StalledSeedChunkAsync(gateway, file);
                break;
            case "a tus PATCH that stalls half-way":
                await StalledTusPatchAsync(gateway, file);
                break;
            default:
                await SeedChunkWaitingForBudgetAsync(gateway, file);
                break;
        }
    }

    private static async Task StalledSeedChunkAsync(GatewayServer gateway, byte[] file)
    {
        var upload = await gateway.Api.InitiateAsync("stalled.mp4", file.Length);
        await gateway.Api.PutChunkAsync(upload.UploadId, 0, file.AsMemory(0, MiB));

        // 100 KiB of chunk 1 at once, then nothing: below 50 kB/s once the grace is over.
        await using (var stalled = await HeldBodyRequest.StartAsync(
            gateway.BaseAddress, "PUT", $"/api/uploads/{upload.UploadId}/chunks/1", MiB, file.AsMemory(MiB, 100 * 1024)))
        {
            await AssertTimedOutAsync(stalled);
        }

        var status = await gateway.Api.GetStatusAsync(upload.UploadId);
        Assert.Equal([1], status.MissingChunks);
        Assert.Equal(MiB, status.UploadedBytes);

        // The whole chunk needs the whole budget: it is stored only if the timed-out one gave its share back.
        await gateway.Api.PutChunkAsync(upload.UploadId, 1, file.AsMemory(MiB));
        var video = await gateway.Api.CompleteAsync(upload.UploadId);
        Assert.Equal(file, await gateway.Api.DownloadAsync(video.Id));
    }

    private static async Task StalledTusPatchAsync(GatewayServer gateway, byte[] file)
    {
        var upload = await gateway.Tus.CreateAsync("stalled.mp4", file.Length);
        Assert.Equal(MiB, (await gateway.Tus.PatchAsync(upload, 0, file.AsMemory(0, MiB))).Offset);

        await using (var stalled = await HeldBodyRequest.StartAsync(
            gateway.BaseAddress,
            "PATCH",
            TusApiClient.PathOf(upload),
            MiB,
            file.AsMemory(MiB, 100 * 1024),
            ("Tus-Resumable", TusApiClient.Version),
            ("Upload-Offset", MiB.ToString(CultureInfo.InvariantCulture)),
            ("Content-Type", TusApiClient.OffsetOctetStream)))
        {
            await AssertTimedOutAsync(stalled);
        }

        // What arrived before the stall may have been kept, never more, never less than the earlier PATCH.
        var offset = (await gateway.Tus.HeadAsync(new Uri(TusApiClient.PathOf(upload), UriKind.Relative))).Offset;
        Assert.InRange(offset, MiB, MiB + (100 * 1024));

        var rest = await gateway.Tus.PatchAsync(upload, offset, file.AsMemory((int)offset));
        Assert.Equal(HttpStatusCode.NoContent, rest.Status);
        Assert.Equal(file.Length, rest.Offset);
        Assert.Equal(file, await gateway.Http.GetByteArrayAsync(TusApiClient.PathOf(upload)));
    }

    private static async Task SeedChunkWaitingForBudgetAsync(GatewayServer gateway, byte[] file)
    {
        var upload = await gateway.Api.InitiateAsync("waiting.mp4", file.Length);
        await gateway.Api.PutChunkAsync(upload.UploadId, 0, file.AsMemory(0, MiB));

        // 600 KiB at once hold the whole 1 MiB budget (the buffer doubled to fit them) and, arriving fast, keep above
        // the data rate for seconds: the next body finds no room.
        await using (var holder = await HeldBodyRequest.StartAsync(
            gateway.BaseAddress, "PUT", $"/api/uploads/{upload.UploadId}/chunks/1", MiB, file.AsMemory(MiB, 600 * 1024)))
        {
            // Each try is a chunk of an upload of its own, so one that still found room changes nothing here.
            await Eventually.WaitUntilAsync(
                async () =>
                {
                    var probe = await gateway.Api.InitiateAsync("probe.mp4", MiB);
                    await using var waiting = await HeldBodyRequest.StartAsync(
                        gateway.BaseAddress, "PUT", $"/api/uploads/{probe.UploadId}/chunks/0", MiB, file.AsMemory(0, MiB));
                    var answer = await waiting.Answer;
                    return answer.Status == 408 && answer.IsProblem && answer.Code == "request_timeout";
                },
                "a body that waited for the budget to be timed out",
                TimeSpan.FromSeconds(60));
        }

        // The holder went away, and with it its budget: the same chunk now fits.
        await Eventually.WaitUntilAsync(
            async () => (await gateway.Api.TryPutChunkAsync(upload.UploadId, 1, file.AsMemory(MiB))).IsOk,
            "the chunk to be stored once the budget is free",
            TimeSpan.FromSeconds(60));
        var video = await gateway.Api.CompleteAsync(upload.UploadId);
        Assert.Equal(file, await gateway.Api.DownloadAsync(video.Id));
    }

    private static async Task AssertTimedOutAsync(HeldBodyRequest stalled)
    {
        // Generous: the gateway answers about 2 to 4 s after the stall.
        var answer = await stalled.Answer.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(408, answer.Status);
        Assert.True(answer.IsProblem, answer.Head);
        Assert.Equal("request_timeout", answer.Code);
    }
}
