using System.Net;
using System.Text.Json;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests;

/// <summary>POST /api/uploads/{id}/complete: the video record, missing chunks, file-hash verification, idempotency.</summary>
public sealed class CompletionTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const int Chunk = GatewayFixture.ChunkSize;
    private readonly UploadsApiClient _api = gateway.Api;

    [Fact]
    public async Task Complete_returns_the_video_record()
    {
        var file = TestData.RandomBytes((2 * Chunk) + 10, seed: 21);
        var before = DateTimeOffset.UtcNow;
        var upload = await _api.StartAsync("../My Clip.MOV", file.Length, projectId: "proj-complete", fileHash: TestData.Sha256Hex(file), metadata: new { title = "Beach", rating = 5 });
        await _api.PutAllChunksAsync(upload, file);

        using var response = await _api.SendCompleteAsync(upload.UploadId);

        var video = await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(upload.UploadId, video.GetProperty("id").GetGuid());
        Assert.Equal(upload.UploadId, video.GetProperty("uploadId").GetGuid());
        Assert.Equal("proj-complete", video.GetProperty("projectId").GetString());
        Assert.Equal(TestData.StorageKey(upload.UploadId, ".mov"), video.GetProperty("filename").GetString());
        Assert.Equal("My Clip.MOV", video.GetProperty("originalName").GetString());
        Assert.Equal(file.Length, video.GetProperty("size").GetInt64());
        Assert.Equal("uploaded", video.GetProperty("status").GetString());
        Assert.InRange(video.GetProperty("createdAt").GetDateTimeOffset(), before, DateTimeOffset.UtcNow);
        Assert.Equal(TestData.Sha256Hex(file), video.GetProperty("fileHash").GetString());
        Assert.Equal($"/api/videos/{upload.UploadId}/content", video.GetProperty("contentUrl").GetString());
        Assert.Equal("Beach", video.GetProperty("metadata").GetProperty("title").GetString());
        Assert.Equal(5, video.GetProperty("metadata").GetProperty("rating").GetInt32());

        Assert.Equal(file, await File.ReadAllBytesAsync(Path.Combine(gateway.FinalDirectory, TestData.StorageKey(upload.UploadId, ".mov"))));
        Assert.False(File.Exists(gateway.TempFileOf(upload.UploadId)));
    }

    [Fact]
    public async Task Complete_without_a_file_hash_still_records_the_computed_one()
    {
        var file = TestData.RandomBytes(Chunk + 1, seed: 22);

        var video = await _api.UploadAsync("clip.mp4", file);

        Assert.Equal(TestData.Sha256Hex(file), video.GetProperty("fileHash").GetString());
        Assert.Equal("default", video.GetProperty("projectId").GetString());
        Assert.Equal(JsonValueKind.Null, video.GetProperty("metadata").ValueKind);
    }

    [Fact]
    public async Task Complete_is_idempotent()
    {
        var file = TestData.RandomBytes(Chunk + 500, seed: 23);
        var upload = await _api.StartAsync("clip.mp4", file.Length);
        await _api.PutAllChunksAsync(upload, file);

        using var first = await _api.SendCompleteAsync(upload.UploadId);
        using var second = await _api.SendCompleteAsync(upload.UploadId);

        var one = await HttpAssert.JsonAsync(first, HttpStatusCode.OK);
        var two = await HttpAssert.JsonAsync(second, HttpStatusCode.OK);
        Assert.Equal(one.GetRawText(), two.GetRawText());
    }

    [Fact]
    public async Task Complete_with_chunks_missing_lists_them()
    {
        var file = TestData.RandomBytes((3 * Chunk) + 7, seed: 24);
        var upload = await _api.StartAsync("clip.mp4", file.Length);
        Assert.Equal(4, upload.TotalChunks);
        await _api.PutChunkOkAsync(upload, file, 0);
        await _api.PutChunkOkAsync(upload, file, 2);

        using var response = await _api.SendCompleteAsync(upload.UploadId);

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.Conflict, "missing_chunks");
        Assert.Equal([1, 3], HttpAssert.IntArray(problem.GetProperty("missingChunks")));

        // Nothing changed: the upload goes on and completes once the rest arrives.
        var status = await _api.GetStatusOkAsync(upload.UploadId);
        Assert.Equal("uploading", status.GetProperty("status").GetString());
        await _api.PutChunkOkAsync(upload, file, 1);
        await _api.PutChunkOkAsync(upload, file, 3);
        using var completed = await _api.SendCompleteAsync(upload.UploadId);
        await HttpAssert.JsonAsync(completed, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Complete_before_any_chunk_lists_every_chunk_missing()
    {
        var upload = await _api.StartAsync("clip.mp4", (2 * Chunk) + 1);

        using var response = await _api.SendCompleteAsync(upload.UploadId);

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.Conflict, "missing_chunks");
        Assert.Equal([0, 1, 2], HttpAssert.IntArray(problem.GetProperty("missingChunks")));
    }

    [Fact]
    public async Task Wrong_file_hash_fails_the_upload_and_complete_says_so_every_time()
    {
        var file = TestData.RandomBytes((2 * Chunk) + 3, seed: 25);
        var wrongHash = TestData.Sha256Hex(TestData.RandomBytes(10, seed: 26));
        var upload = await _api.StartAsync("clip.mp4", file.Length, fileHash: wrongHash);
        await _api.PutChunkOkAsync(upload, file, 0);
        await _api.PutChunkOkAsync(upload, file, 1);

        // The last chunk itself is fine and stored; verifying the whole file is what fails.
        var last = await _api.PutChunkOkAsync(upload, file, 2);
        Assert.Equal("failed", last.GetProperty("status").GetString());
        Assert.False(last.GetProperty("alreadyStored").GetBoolean());

        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var response = await _api.SendCompleteAsync(upload.UploadId);
            await HttpAssert.ProblemAsync(response, HttpStatusCode.UnprocessableEntity, "file_hash_mismatch");
        }

        var status = await _api.GetStatusOkAsync(upload.UploadId);
        Assert.Equal("failed", status.GetProperty("status").GetString());
        Assert.Contains(TestData.Sha256Hex(file), status.GetProperty("failureReason").GetString(), StringComparison.Ordinal);
        Assert.False(File.Exists(gateway.TempFileOf(upload.UploadId)));
        Assert.False(File.Exists(Path.Combine(gateway.FinalDirectory, TestData.StorageKey(upload.UploadId))));
        using var video = await _api.GetAsync($"/api/videos/{upload.UploadId}");
        await HttpAssert.ProblemAsync(video, HttpStatusCode.NotFound, "video_not_found");

        // A failed upload takes no more bytes.
        using var chunk = await _api.SendChunkAsync(upload.UploadId, 0, upload.ChunkOf(file, 0));
        await HttpAssert.ProblemAsync(chunk, HttpStatusCode.Conflict, "upload_failed");
    }

    [Fact]
    public async Task Correct_file_hash_in_any_case_completes()
    {
        var file = TestData.RandomBytes(Chunk + 99, seed: 27);
        var upload = await _api.StartAsync("clip.mp4", file.Length, fileHash: TestData.Sha256Hex(file).ToUpperInvariant());

        var last = (await _api.PutAllChunksAsync(upload, file)).GetProperty("status").GetString();

        Assert.Equal("completed", last);
        using var response = await _api.SendCompleteAsync(upload.UploadId);
        var video = await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(TestData.Sha256Hex(file), video.GetProperty("fileHash").GetString());
    }

    [Fact]
    public async Task Complete_of_an_unknown_upload_is_not_found()
    {
        using var unknown = await _api.SendCompleteAsync(Guid.NewGuid());
        await HttpAssert.ProblemAsync(unknown, HttpStatusCode.NotFound, "upload_not_found");

        using var malformed = await _api.SendCompleteAsync("not-a-guid");
        await HttpAssert.ProblemAsync(malformed, HttpStatusCode.NotFound, "upload_not_found");
    }

    [Fact]
    public async Task Complete_of_a_cancelled_upload_is_gone()
    {
        var upload = await _api.StartAsync("clip.mp4", 1000);
        using (var cancelled = await _api.SendCancelAsync(upload.UploadId))
        {
            await HttpAssert.StatusAsync(cancelled, HttpStatusCode.NoContent);
        }

        using var response = await _api.SendCompleteAsync(upload.UploadId);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Gone, "upload_cancelled");
    }
}
