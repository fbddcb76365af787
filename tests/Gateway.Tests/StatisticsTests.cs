using System.Net;
using System.Text.Json;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests;

/// <summary>
/// GET /api/uploads/statistics. This class has its own gateway (class fixture), so the counts are exactly what its
/// one scenario did. Sessions report to the statistics grain with one-way calls, so the test waits for the counts.
/// </summary>
public sealed class StatisticsTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const int Chunk = GatewayFixture.ChunkSize;
    private static readonly string[] StatusKeys = ["cancelled", "completed", "expired", "failed", "initiated", "uploading"];
    private readonly UploadsApiClient _api = gateway.Api;

    [Fact]
    public async Task Statistics_count_uploads_by_status_bytes_chunks_and_retries()
    {
        // A: three chunks, the first rejected once for a bad hash, then completed.
        var fileA = TestData.RandomBytes((2 * Chunk) + 1000, seed: 81);
        var a = await _api.StartAsync("a.mp4", fileA.Length);
        using (var rejected = await _api.SendChunkAsync(a.UploadId, 0, a.ChunkOf(fileA, 0), new string('0', 64)))
        {
            await HttpAssert.ProblemAsync(rejected, HttpStatusCode.UnprocessableEntity, "chunk_hash_mismatch");
        }

        Assert.Equal("completed", (await _api.PutAllChunksAsync(a, fileA)).GetProperty("status").GetString());

        // B: one chunk of two, then cancelled.
        var fileB = TestData.RandomBytes(Chunk + 1, seed: 82);
        var b = await _api.StartAsync("b.mp4", fileB.Length);
        await _api.PutChunkOkAsync(b, fileB, 0);
        using (var cancelled = await _api.SendCancelAsync(b.UploadId))
        {
            await HttpAssert.StatusAsync(cancelled, HttpStatusCode.NoContent);
        }

        // C: all bytes stored, but the file hash given at initiation is wrong: failed.
        var fileC = TestData.RandomBytes(1000, seed: 83);
        var c = await _api.StartAsync("c.mp4", fileC.Length, fileHash: new string('f', 64));
        Assert.Equal("failed", (await _api.PutChunkOkAsync(c, fileC, 0)).GetProperty("status").GetString());

        // D: initiated only.  E: one chunk of two, still uploading.
        await _api.StartAsync("d.mp4", 5000);
        var fileE = TestData.RandomBytes(Chunk + 1, seed: 84);
        var e = await _api.StartAsync("e.mp4", fileE.Length);
        await _api.PutChunkOkAsync(e, fileE, 0);

        // F: a legacy form post of 70000 bytes, appended in two pieces (64 KiB + 4464), completed.
        using (var legacy = await _api.SendLegacyUploadAsync("f.mp4", TestData.RandomBytes(70000, seed: 85)))
        {
            await HttpAssert.JsonAsync(legacy, HttpStatusCode.Created);
        }

        // A refused initiate creates no upload.
        using (var refused = await _api.SendInitiateAsync(new { filename = "g.exe", fileSize = 10 }))
        {
            await HttpAssert.ProblemAsync(refused, HttpStatusCode.UnsupportedMediaType, "unsupported_file_type");
        }

        const long expectedBytes = (2 * Chunk) + 1000 + Chunk + 1000 + Chunk + 70000;
        var statistics = await WaitForStatisticsAsync(s =>
            s.GetProperty("totalUploads").GetInt64() == 6
            && s.GetProperty("chunksReceived").GetInt64() == 8
            && s.GetProperty("chunkRetries").GetInt64() == 1
            && s.GetProperty("bytesReceived").GetInt64() == expectedBytes
            && Count(s, "completed") == 2 && Count(s, "uploading") == 1 && Count(s, "initiated") == 1
            && Count(s, "failed") == 1 && Count(s, "cancelled") == 1 && Count(s, "expired") == 0);

        var counts = statistics.GetProperty("countsByStatus");
        Assert.Equal(StatusKeys, counts.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(1, Count(statistics, "initiated"));
        Assert.Equal(1, Count(statistics, "uploading"));
        Assert.Equal(2, Count(statistics, "completed"));
        Assert.Equal(1, Count(statistics, "failed"));
        Assert.Equal(1, Count(statistics, "cancelled"));
        Assert.Equal(0, Count(statistics, "expired"));
        Assert.Equal(6, statistics.GetProperty("totalUploads").GetInt64());
        Assert.Equal(expectedBytes, statistics.GetProperty("bytesReceived").GetInt64());
        Assert.Equal(8, statistics.GetProperty("chunksReceived").GetInt64());
        Assert.Equal(1, statistics.GetProperty("chunkRetries").GetInt64());
        Assert.Equal(1.0 / 9, statistics.GetProperty("chunkRetryRate").GetDouble(), 9);
        Assert.Equal(0.5, statistics.GetProperty("successRate").GetDouble(), 9);
        Assert.Equal(0.5, statistics.GetProperty("failureRate").GetDouble(), 9);
        Assert.True(statistics.GetProperty("averageSpeed").GetDouble() > 0, statistics.ToString());
    }

    [Fact]
    public async Task Statistics_always_have_every_field()
    {
        var statistics = await _api.GetOkAsync("/api/uploads/statistics");

        Assert.Equal(StatusKeys, statistics.GetProperty("countsByStatus").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var field in new[] { "totalUploads", "bytesReceived", "chunksReceived", "chunkRetries" })
        {
            Assert.True(statistics.GetProperty(field).GetInt64() >= 0, field);
        }

        foreach (var rate in new[] { "chunkRetryRate", "successRate", "failureRate" })
        {
            Assert.InRange(statistics.GetProperty(rate).GetDouble(), 0, 1);
        }

        Assert.True(statistics.GetProperty("averageSpeed").GetDouble() >= 0);
    }

    private static long Count(JsonElement statistics, string status) =>
        statistics.GetProperty("countsByStatus").GetProperty(status).GetInt64();

    /// <summary>Polls until the statistics satisfy <paramref name="expected"/>; on timeout returns the last seen, for the assertions to explain.</summary>
    private async Task<JsonElement> WaitForStatisticsAsync(Func<JsonElement, bool> expected)
    {
        JsonElement last = default;
        try
        {
            await Eventually.WaitUntilAsync(
                async () =>
                {
                    last = await _api.GetOkAsync("/api/uploads/statistics");
                    return expected(last);
                },
                "the statistics to count the scenario's uploads",
                TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            // Fall through: the exact assertions that follow say which number is off.
        }

        return last;
    }
}
