using System.Diagnostics;
using System.Globalization;
using Orleans.Uploads.Harness;
using Xunit.Abstractions;
using static Orleans.Uploads.Gateway.Tests.Abuse.AbuseFiles;

namespace Orleans.Uploads.Gateway.Tests.Abuse;

/// <summary>
/// 200 connections that declare a chunk (5 MiB seed chunks, 32 MiB tus PATCHes) and then send one byte a second must
/// not starve another upload: against a real gateway process with its default body budget and data rate (the
/// per-caller limits off, so every trickle reaches the budget), a normal 40 MiB upload with three chunks in flight
/// still completes, and the test reports the fraction of its normal speed it got (measured on this machine:
/// see the test output). Every trickling socket is answered 408 and closed.
/// </summary>
public sealed class TricklingClientsTests(ITestOutputHelper output)
{
    private const int Trickles = 200;
    private const int FileSize = 40 * MiB;

    /// <summary>Generous: a normal upload here takes well under a second; with the starving budget it took minutes.</summary>
    private static readonly TimeSpan UploadBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Another_callers_upload_completes_while_200_connections_trickle_one_byte_a_second()
    {
        using var directory = new TempDirectory("trickles");
        await using var gateway = await GatewayServer.StartAsync(directory.Path, environment: new Dictionary<string, string>
        {
            ["Gateway__RequestsPerSecond"] = "0",
            ["Gateway__ConcurrentBodiesPerCaller"] = "0",
            ["Gateway__InitiatePermitsPerMinute"] = "0",
        });

        // The first upload warms the gateway up (JIT, grains); the second is the normal speed.
        await UploadAsync(gateway, Video(FileSize, seed: 1300));
        var normal = await UploadAsync(gateway, Video(FileSize, seed: 1301));

        // The seed trickles share two chunks of one upload (none of them ever completes one); each tus trickle has an
        // upload of its own of deferred length, since a timed-out PATCH keeps the byte or so it delivered. Trickles start
        // past the container header (seed chunks 1 and 2; tus uploads whose header is already stored): at the head,
        // the content check would refuse their bytes at once and they would never hold the budget.
        var header = VideoHeaders.For(".mp4");
        var seedTarget = await gateway.Api.InitiateAsync("trickle.mp4", 15 * MiB);
        var tusTargets = new List<Guid>();
        for (var i = 0; i < Trickles / 2; i++)
        {
            var target = await gateway.Tus.CreateAsync("trickle.mp4");
            await gateway.Tus.PatchAsync(target, 0, header);
            tusTargets.Add(target);
        }

        using var stop = new CancellationTokenSource();
        var trickles = new List<HeldBodyRequest>();
        try
        {
            for (var i = 0; i < Trickles; i++)
            {
                trickles.Add(i % 2 == 0
                    ? await HeldBodyRequest.StartAsync(gateway.BaseAddress, "PUT", $"/api/uploads/{seedTarget.UploadId}/chunks/{1 + (i / 2 % 2)}", 5 * MiB, new byte[1])
                    : await HeldBodyRequest.StartAsync(
                        gateway.BaseAddress,
                        "PATCH",
                        TusApiClient.PathOf(tusTargets[i / 2]),
                        32 * MiB,
                        new byte[1],
                        ("Tus-Resumable", TusApiClient.Version),
                        ("Upload-Offset", header.Length.ToString(CultureInfo.InvariantCulture)),
                        ("Content-Type", TusApiClient.OffsetOctetStream)));
            }

            var trickling = trickles.Select(trickle => trickle.TrickleAsync(TimeSpan.FromSeconds(1), stop.Token)).ToArray();

            var starved = await UploadAsync(gateway, Video(FileSize, seed: 1302)).WaitAsync(UploadBound);
            var fraction = normal.TotalSeconds / starved.TotalSeconds;
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"40 MiB upload: {normal.TotalSeconds:0.00} s alone, {starved.TotalSeconds:0.00} s beside {Trickles} trickles: {fraction:P0} of its normal speed"));

            var answers = await Task.WhenAll(trickles.Select(trickle => trickle.Answer)).WaitAsync(TimeSpan.FromSeconds(60));
            output.WriteLine($"trickling sockets answered 408: {answers.Count(answer => answer.Status == 408)} of {Trickles}");
            Assert.All(answers, answer => Assert.Equal(408, answer.Status));
            await stop.CancelAsync();
            await Task.WhenAll(trickling);
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var trickle in trickles)
            {
                await trickle.DisposeAsync();
            }
        }
    }

    /// <summary>Uploads <paramref name="file"/> through the seed API, three chunks in flight as the seed client does, and checks it; returns the time taken.</summary>
    private static async Task<TimeSpan> UploadAsync(GatewayServer gateway, byte[] file)
    {
        var clock = Stopwatch.StartNew();
        var upload = await gateway.Api.InitiateAsync("normal.mp4", file.Length);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, upload.TotalChunks),
            new ParallelOptions { MaxDegreeOfParallelism = 3 },
            async (chunk, _) =>
            {
                var start = chunk * upload.ChunkSize;
                await gateway.Api.PutChunkAsync(upload.UploadId, chunk, file.AsMemory(start, Math.Min(upload.ChunkSize, file.Length - start)));
            });
        var video = await gateway.Api.CompleteAsync(upload.UploadId);
        var elapsed = clock.Elapsed;
        Assert.Equal(file, await gateway.Api.DownloadAsync(video.Id));
        return elapsed;
    }
}
