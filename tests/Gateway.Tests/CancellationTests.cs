using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests;

/// <summary>DELETE /api/uploads/{id}: 204 (twice), temp data removed, completed uploads kept, unknown ids.</summary>
public sealed class CancellationTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const int Chunk = GatewayFixture.ChunkSize;
    private readonly UploadsApiClient _api = gateway.Api;

    [Fact]
    public async Task Cancel_removes_the_temp_file_and_is_idempotent()
    {
        var file = TestData.RandomBytes((2 * Chunk) + 1, seed: 31);
        var upload = await _api.StartAsync("clip.mp4", file.Length);
        await _api.PutChunkOkAsync(upload, file, 0);
        var temp = gateway.TempFileOf(upload.UploadId);
        Assert.True(File.Exists(temp), $"expected the chunk's temp file {temp}");

        using (var first = await _api.SendCancelAsync(upload.UploadId))
        {
            await HttpAssert.StatusAsync(first, HttpStatusCode.NoContent);
            Assert.Empty(await first.Content.ReadAsByteArrayAsync());
        }

        Assert.False(File.Exists(temp));
        Assert.DoesNotContain(upload.UploadId.ToString("N"), string.Join('\n', Directory.EnumerateFiles(gateway.TempDirectory)), StringComparison.Ordinal);

        using (var second = await _api.SendCancelAsync(upload.UploadId))
        {
            await HttpAssert.StatusAsync(second, HttpStatusCode.NoContent);
        }

        var status = await _api.GetStatusOkAsync(upload.UploadId);
        Assert.Equal("cancelled", status.GetProperty("status").GetString());
        Assert.Empty(HttpAssert.IntArray(status.GetProperty("missingChunks")));
        Assert.Equal(Chunk, status.GetProperty("uploadedBytes").GetInt64());
    }

    [Fact]
    public async Task Cancel_of_an_upload_with_no_chunks_removes_its_reserved_temp_file()
    {
        var upload = await _api.StartAsync("clip.mkv", 5000);
        Assert.True(File.Exists(gateway.TempFileOf(upload.UploadId)));

        using var response = await _api.SendCancelAsync(upload.UploadId);

        await HttpAssert.StatusAsync(response, HttpStatusCode.NoContent);
        Assert.False(File.Exists(gateway.TempFileOf(upload.UploadId)));
    }

    [Fact]
    public async Task Cancel_after_completion_is_refused_and_keeps_the_video()
    {
        var file = TestData.RandomBytes(Chunk + 2, seed: 32);
        var upload = await _api.StartAsync("clip.mp4", file.Length);
        await _api.PutAllChunksAsync(upload, file);

        using var response = await _api.SendCancelAsync(upload.UploadId);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Conflict, "upload_completed");
        Assert.Equal("completed", (await _api.GetStatusOkAsync(upload.UploadId)).GetProperty("status").GetString());
        Assert.Equal(file, await File.ReadAllBytesAsync(Path.Combine(gateway.FinalDirectory, TestData.StorageKey(upload.UploadId))));
        await _api.GetOkAsync($"/api/videos/{upload.UploadId}");
    }

    [Fact]
    public async Task Cancel_of_a_failed_upload_is_accepted()
    {
        var file = TestData.RandomBytes(100, seed: 33);
        var upload = await _api.StartAsync("clip.mp4", file.Length, fileHash: new string('0', 64));
        Assert.Equal("failed", (await _api.PutChunkOkAsync(upload, file, 0)).GetProperty("status").GetString());

        using var response = await _api.SendCancelAsync(upload.UploadId);

        await HttpAssert.StatusAsync(response, HttpStatusCode.NoContent);
        Assert.Equal("failed", (await _api.GetStatusOkAsync(upload.UploadId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Cancel_of_an_unknown_upload_is_not_found()
    {
        using var unknown = await _api.SendCancelAsync(Guid.NewGuid());
        await HttpAssert.ProblemAsync(unknown, HttpStatusCode.NotFound, "upload_not_found");

        using var malformed = await _api.SendCancelAsync("definitely-not-a-guid");
        await HttpAssert.ProblemAsync(malformed, HttpStatusCode.NotFound, "upload_not_found");
    }
}
