using System.Globalization;
using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;
using static Orleans.Uploads.Gateway.Tests.Abuse.AbuseFiles;

namespace Orleans.Uploads.Gateway.Tests.Abuse;

/// <summary>
/// The per-caller limits, one row per limit, each against its own real gateway process (access control on, two API
/// keys) where that limit is small and the others are off. Every row expects 429 <c>rate_limited</c> (problem+json)
/// with Retry-After, that another caller from the same address is not refused, and then that the upload the refused
/// request belonged to is intact and finishes once the caller is within its limit again.
/// </summary>
public sealed class RateLimitTable
{
    private static readonly string OtherKey = AccessKeys.NewSecret();

    public static TheoryData<string> Rows => new()
    {
        "requests per second",
        "new uploads per minute",
        "upload bodies at once",
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task A_caller_over_its_limit_is_refused_and_its_upload_stays_intact_and_resumable(string row)
    {
        var settings = new Dictionary<string, string>
        {
            ["Uploads__ChunkSize"] = MiB.ToString(CultureInfo.InvariantCulture),
            ["Gateway__RequestsPerSecond"] = row == "requests per second" ? "5" : "0",
            ["Gateway__InitiatePermitsPerMinute"] = row == "new uploads per minute" ? "1" : "0",
            ["Gateway__ConcurrentBodiesPerCaller"] = row == "upload bodies at once" ? "1" : "0",
            ["Gateway__MinBodyBytesPerSecond"] = "0",
            ["Auth__ApiKeys__1__Name"] = "other",
            ["Auth__ApiKeys__1__Key"] = OtherKey,
            ["Auth__ApiKeys__1__Projects__0"] = "*",
        };
        using var directory = new TempDirectory("rate-limits");
        var access = AccessKeys.Generate();
        await using var gateway = await GatewayServer.StartAsync(directory.Path, environment: settings, access: access);
        using var otherHttp = new HttpClient { BaseAddress = gateway.BaseAddress };
        otherHttp.DefaultRequestHeaders.Authorization = new("Bearer", OtherKey);
        var other = new UploadsApiClient(otherHttp);
        var authorization = ("Authorization", $"Bearer {access.ApiKey}");
        var file = Video(2 * MiB, seed: 1200 + row.Length);

        // With every limit but one off, only the upload under test is started before the limit is reached.
        var upload = await gateway.Api.InitiateAsync("limited.mp4", file.Length);
        await gateway.Api.PutChunkAsync(upload.UploadId, 0, file.AsMemory(0, MiB));

        switch (row)
        {
            case "requests per second":
                // Five a second, in bursts of five: status reads in a row are soon refused (a refill may let a few more by).
                HttpResponseMessage? refused = null;
                for (var i = 0; i < 50 && refused is null; i++)
                {
                    var answer = await gateway.Api.SendStatusAsync(upload.UploadId);
                    if (answer.StatusCode == HttpStatusCode.TooManyRequests)
                    {
                        refused = answer;
                    }
                    else
                    {
                        answer.Dispose();
                    }
                }

                using (refused)
                {
                    Assert.NotNull(refused);
                    await AssertRefusedAsync(refused);
                }

                // Another caller is not held up by this one, and the probes stay out of it.
                using (var others = await other.SendStatisticsAsync())
                {
                    Assert.Equal(HttpStatusCode.OK, others.StatusCode);
                }

                using (var live = await gateway.Http.GetAsync("/health/live"))
                using (var ready = await gateway.Http.GetAsync("/health/ready"))
                {
                    Assert.Equal(HttpStatusCode.OK, live.StatusCode);
                    Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
                }

                break;
            case "new uploads per minute":
                using (var second = await gateway.Api.SendInitiateAsync(new { filename = "second.mp4", fileSize = 1000 }))
                {
                    await AssertRefusedAsync(second);
                }

                using (var tus = new HttpRequestMessage(HttpMethod.Post, "/files/"))
                {
                    tus.Headers.Add("Tus-Resumable", TusApiClient.Version);
                    tus.Headers.Add("Upload-Length", "1000");
                    using var tusRefused = await gateway.Http.SendAsync(tus);
                    await AssertRefusedAsync(tusRefused);
                }

                await other.InitiateAsync("other.mp4", 1000);

                break;
            default:
                // One body at a time: while one chunk is on its way, another body of the same caller is refused. The
                // chunk just stored may still be giving its permit back when the held body arrives, so a held body that
                // was itself refused is sent again; the probe names an upload that does not exist, so a probe let
                // through before the held body took the permit stores nothing (404).
                var probePath = $"/api/uploads/{Guid.NewGuid()}/chunks/1";
                HeldBodyRequest? held = null;
                try
                {
                    // Raw sockets both: a client still sending a body it is refused for may see the connection close under it.
                    var answer = await Eventually.WaitForAsync(
                        async () =>
                        {
                            if (held is null || held.Answer.IsCompleted)
                            {
                                if (held is not null)
                                {
                                    await held.DisposeAsync();
                                }

                                held = await HeldBodyRequest.StartAsync(
                                    gateway.BaseAddress, "PUT", $"/api/uploads/{upload.UploadId}/chunks/1", MiB, file.AsMemory(MiB, 1024), authorization);
                            }

                            await using var second = await HeldBodyRequest.StartAsync(gateway.BaseAddress, "PUT", probePath, MiB, file.AsMemory(MiB), authorization);
                            var refused = await second.Answer;
                            return refused.Status == 429 && !held.Answer.IsCompleted ? refused : null;
                        },
                        "a second body to be refused while the first is held");
                    Assert.True(answer.IsProblem, answer.Head);
                    Assert.Equal("rate_limited", answer.Code);
                    Assert.Contains("Retry-After: 1", answer.Head, StringComparison.OrdinalIgnoreCase);
                    Assert.False(held!.Answer.IsCompleted, "the held body is still being received");
                    var others = await other.InitiateAsync("other.mp4", MiB);
                    await other.PutChunkAsync(others.UploadId, 0, file.AsMemory(0, MiB));
                }
                finally
                {
                    if (held is not null)
                    {
                        await held.DisposeAsync();
                    }
                }

                break;
        }

        // The refused requests took nothing away, and the upload finishes once the caller is within its limit.
        await Eventually.WaitUntilAsync(
            async () => (await gateway.Api.TryPutChunkAsync(upload.UploadId, 1, file.AsMemory(MiB))).IsOk,
            "the last chunk to be accepted within the limit");
        await Eventually.WaitUntilAsync(
            async () =>
            {
                using var completed = await gateway.Api.SendCompleteAsync(upload.UploadId);
                return completed.IsSuccessStatusCode;
            },
            "the upload to complete within the limit");
        var video = await Eventually.WaitForAsync(
            async () => (await gateway.Api.ListVideosAsync("default")).FirstOrDefault(v => v.UploadId == upload.UploadId),
            "the video to be listed");
        var stored = await Eventually.WaitForAsync(async () => await gateway.Api.DownloadAsync(video.Id), "the video's content");
        Assert.Equal(file, stored);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        await HttpAssert.ProblemAsync(response, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.InRange(response.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
    }
}
