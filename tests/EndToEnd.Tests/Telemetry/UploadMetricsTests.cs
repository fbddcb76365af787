// Why this exists: /metrics is what operators alert on, so its counts must be exact: every upload event counted once,
// by protocol, from the sessions' durable writes. The gateway runs as its own process because OpenTelemetry listens to
// meters by name, process-wide: an in-process gateway would also count the uploads of test classes running beside it.

using System.Net;
using System.Security.Cryptography;
using Orleans.Uploads.EndToEnd.Tests.Access;
using Orleans.Uploads.Harness;
using Orleans.Uploads.TestSupport;

namespace Orleans.Uploads.EndToEnd.Tests.Telemetry;

/// <summary>A known sequence of seed and tus uploads, then one scrape of <c>/metrics</c> that shows exactly those events.</summary>
public sealed class UploadMetricsTests(UploadMetricsTests.SmallChunkGatewayFixture gateway) : IClassFixture<UploadMetricsTests.SmallChunkGatewayFixture>
{
    private const int ChunkSize = 64 * 1024;

    private GatewayServer Server => gateway.Server;

    [Fact]
    public async Task A_scrape_after_known_uploads_shows_exactly_their_events_bytes_chunks_and_retries_by_protocol()
    {
        // Seed A: three chunks, completed.
        var a = Video(150_000, seed: 1);
        var uploadA = await Server.Api.InitiateAsync("a.mp4", a.Length, Sha256(a), ChunkSize);
        for (var chunk = 0; chunk < 3; chunk++)
        {
            await Server.Api.PutChunkAsync(uploadA.UploadId, chunk, Chunk(a, chunk));
        }

        await Server.Api.CompleteAsync(uploadA.UploadId);

        // Seed B: one chunk, first sent with a hash that does not match (rejected, a retry), then right; completed.
        var b = Video(1_000, seed: 2);
        var uploadB = await Server.Api.InitiateAsync("b.mp4", b.Length, chunkSize: ChunkSize);
        var refused = await Server.Api.TryPutChunkAsync(uploadB.UploadId, 0, b, Sha256(Video(1_000, seed: 3)));
        Assert.Equal((HttpStatusCode)422, refused.Status);
        await Server.Api.PutChunkAsync(uploadB.UploadId, 0, b, Sha256(b));
        await Server.Api.CompleteAsync(uploadB.UploadId);

        // tus C: one PATCH of the whole file; the upload completes with its last byte.
        var c = Video(100_000, seed: 4);
        var uploadC = await Server.Tus.CreateAsync("c.mp4", c.Length);
        var patch = await Server.Tus.PatchAsync(uploadC, 0, c);
        Assert.Equal(HttpStatusCode.NoContent, patch.Status);

        // Seed D: one of two chunks, then cancelled.
        var d = Video(2 * ChunkSize, seed: 5);
        var uploadD = await Server.Api.InitiateAsync("d.mp4", d.Length, chunkSize: ChunkSize);
        await Server.Api.PutChunkAsync(uploadD.UploadId, 0, Chunk(d, 0));
        await Eventually.WaitUntilAsync(
            async () => (await ScrapeAsync()).Value("uploads_sessions_active", ("protocol", "seed")) == 1, "open upload D, and only it, to count as active");
        await Server.Api.CancelAsync(uploadD.UploadId);

        // Seed E: its one chunk stored, but the file's sha256 is not the one announced: failed.
        var e = Video(500, seed: 6);
        var uploadE = await Server.Api.InitiateAsync("e.mp4", e.Length, Sha256(Video(500, seed: 7)), ChunkSize);
        await Server.Api.TryPutChunkAsync(uploadE.UploadId, 0, e);
        await Eventually.WaitUntilAsync(async () => (await Server.Api.GetStatusAsync(uploadE.UploadId)).Status == "failed", "upload E to fail");

        var seedBytes = a.Length + b.Length + ChunkSize + e.Length;
        var expected = new (string Metric, string Protocol, double Value)[]
        {
            ("uploads_started_total", "seed", 4),
            ("uploads_started_total", "tus", 1),
            ("uploads_completed_total", "seed", 2),
            ("uploads_completed_total", "tus", 1),
            ("uploads_cancelled_total", "seed", 1),
            ("uploads_failed_total", "seed", 1),
            ("uploads_expired_total", "seed", 0),
            ("uploads_received_bytes_total", "seed", seedBytes),
            ("uploads_received_bytes_total", "tus", c.Length),
            ("uploads_chunks_received_total", "seed", 3 + 1 + 1 + 1),
            ("uploads_chunks_received_total", "tus", 2),
            ("uploads_chunks_retried_total", "seed", 1),
            ("uploads_chunks_retried_total", "tus", 0),
            ("uploads_file_size_bytes_count", "seed", 2),
            ("uploads_file_size_bytes_sum", "seed", a.Length + b.Length),
            ("uploads_file_size_bytes_count", "tus", 1),
            ("uploads_file_size_bytes_sum", "tus", c.Length),
            ("uploads_speed_bytes_per_second_count", "seed", 2),
            ("uploads_duration_seconds_count", "tus", 1),
            ("uploads_chunk_duration_seconds_count", "seed", 3 + 2 + 1 + 1),
            ("uploads_chunk_duration_seconds_count", "tus", 1),
            ("uploads_sessions_active", "seed", 0),
            ("uploads_sessions_active", "tus", 0),
        };

        // The exporter may answer a scrape from its short cache: wait for one taken after the last event.
        PrometheusText? last = null;
        try
        {
            await Eventually.WaitUntilAsync(
                async () =>
                {
                    last = await ScrapeAsync();
                    return expected.All(series => last.Value(series.Metric, ("protocol", series.Protocol)) == series.Value);
                },
                "the scrape to show the uploads' events",
                TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            // Name each series that differs.
            Assert.Equal(
                expected.Select(series => $"{series.Metric}{{protocol={series.Protocol}}} {series.Value}"),
                expected.Select(series => $"{series.Metric}{{protocol={series.Protocol}}} {last?.Value(series.Metric, ("protocol", series.Protocol))}"));
            throw;
        }

        // Orleans' own meter is exported next to ours.
        Assert.Contains("orleans_", last!.Text, StringComparison.Ordinal);
    }

    private async Task<PrometheusText> ScrapeAsync()
    {
        using var response = await Server.Http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/metrics answered {(int)response.StatusCode}: {text}");
        return new PrometheusText(text);
    }

    private static byte[] Video(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        VideoHeaders.Stamp(bytes);
        return bytes;
    }

    private static ReadOnlyMemory<byte> Chunk(byte[] file, int chunk) =>
        file.AsMemory(chunk * ChunkSize, Math.Min(ChunkSize, file.Length - (chunk * ChunkSize)));

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A keyed gateway process (its API key allowed every project, so it may scrape) with 64 KiB chunks.</summary>
    public sealed class SmallChunkGatewayFixture : KeyedGatewayFixture
    {
        protected override IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
        {
            ["Uploads__ChunkSize"] = ChunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
