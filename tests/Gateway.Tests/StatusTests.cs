using System.Net;
using System.Text.Json;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests;

/// <summary>GET /api/uploads/{id}: every field, from initiated through uploading to completed.</summary>
public sealed class StatusTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const int Chunk = GatewayFixture.ChunkSize;
    private const int FileSize = (3 * Chunk) + 100;
    private readonly UploadsApiClient _api = gateway.Api;

    [Fact]
    public async Task Status_of_a_new_upload_shows_everything_missing()
    {
        var before = DateTimeOffset.UtcNow;
        var upload = await _api.StartAsync("C:\\videos\\Trip.mp4", FileSize, projectId: "proj-status", metadata: new { camera = "X100", tags = new[] { "a" } });

        var status = await _api.GetStatusOkAsync(upload.UploadId);

        Assert.Equal(upload.UploadId, status.GetProperty("uploadId").GetGuid());
        Assert.Equal("Trip.mp4", status.GetProperty("filename").GetString());
        Assert.Equal("proj-status", status.GetProperty("projectId").GetString());
        Assert.Equal(FileSize, status.GetProperty("totalSize").GetInt64());
        Assert.Equal(Chunk, status.GetProperty("chunkSize").GetInt32());
        Assert.Equal(4, status.GetProperty("totalChunks").GetInt32());
        Assert.Equal(0, status.GetProperty("completedChunks").GetInt32());
        Assert.Equal(0, status.GetProperty("uploadedBytes").GetInt64());
        Assert.Equal(0, status.GetProperty("progressPercentage").GetDouble());
        Assert.Equal("initiated", status.GetProperty("status").GetString());
        Assert.Equal([0, 1, 2, 3], HttpAssert.IntArray(status.GetProperty("missingChunks")));
        Assert.Empty(HttpAssert.IntArray(status.GetProperty("failedChunks")));
        Assert.Equal(0, status.GetProperty("chunkRetries").GetInt32());
        Assert.Equal(0, status.GetProperty("uploadSpeed").GetDouble());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("estimatedTimeRemaining").ValueKind);
        var createdAt = status.GetProperty("createdAt").GetDateTimeOffset();
        Assert.InRange(createdAt, before, DateTimeOffset.UtcNow);
        Assert.Equal(createdAt, status.GetProperty("lastActivityAt").GetDateTimeOffset());
        Assert.Equal(createdAt.AddHours(1), status.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("completedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, status.GetProperty("fileHash").ValueKind);
        Assert.Equal("X100", status.GetProperty("metadata").GetProperty("camera").GetString());
        Assert.Equal("a", status.GetProperty("metadata").GetProperty("tags")[0].GetString());
    }

    [Fact]
    public async Task Status_while_uploading_tracks_stored_chunks()
    {
        var file = TestData.RandomBytes(FileSize, seed: 41);
        var upload = await _api.StartAsync("clip.mp4", file.Length);
        await _api.PutChunkOkAsync(upload, file, 3);
        await _api.PutChunkOkAsync(upload, file, 1);

        var status = await _api.GetStatusOkAsync(upload.UploadId);

        Assert.Equal("uploading", status.GetProperty("status").GetString());
        Assert.Equal(2, status.GetProperty("completedChunks").GetInt32());
        Assert.Equal(Chunk + 100, status.GetProperty("uploadedBytes").GetInt64());
        Assert.Equal(Math.Floor(10_000.0 * (Chunk + 100) / FileSize) / 100, status.GetProperty("progressPercentage").GetDouble());
        Assert.Equal([0, 2], HttpAssert.IntArray(status.GetProperty("missingChunks")));
        Assert.True(status.GetProperty("uploadSpeed").GetDouble() > 0);
        Assert.True(status.GetProperty("estimatedTimeRemaining").GetDouble() >= 0);
        var createdAt = status.GetProperty("createdAt").GetDateTimeOffset();
        var lastActivity = status.GetProperty("lastActivityAt").GetDateTimeOffset();
        Assert.True(lastActivity >= createdAt);
        Assert.Equal(lastActivity.AddHours(1), status.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("completedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, status.GetProperty("metadata").ValueKind);
        Assert.Equal("default", status.GetProperty("projectId").GetString());
    }

    [Fact]
    public async Task Status_of_a_completed_upload_has_its_hash_and_completion_time()
    {
        var file = TestData.RandomBytes(FileSize, seed: 42);
        var upload = await _api.StartAsync("clip.mp4", file.Length);
        await _api.PutAllChunksAsync(upload, file);

        var status = await _api.GetStatusOkAsync(upload.UploadId);

        Assert.Equal("completed", status.GetProperty("status").GetString());
        Assert.Equal(4, status.GetProperty("completedChunks").GetInt32());
        Assert.Equal(FileSize, status.GetProperty("uploadedBytes").GetInt64());
        Assert.Equal(100.0, status.GetProperty("progressPercentage").GetDouble());
        Assert.Empty(HttpAssert.IntArray(status.GetProperty("missingChunks")));
        Assert.Empty(HttpAssert.IntArray(status.GetProperty("failedChunks")));
        Assert.Equal(0, status.GetProperty("estimatedTimeRemaining").GetDouble());
        Assert.True(status.GetProperty("completedAt").GetDateTimeOffset() >= status.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(TestData.Sha256Hex(file), status.GetProperty("fileHash").GetString());

        var video = await _api.GetOkAsync($"/api/videos/{upload.UploadId}");
        Assert.Equal(status.GetProperty("completedAt").GetDateTimeOffset(), video.GetProperty("createdAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Status_of_an_unknown_upload_is_not_found()
    {
        using var unknown = await _api.SendStatusAsync(Guid.NewGuid());
        await HttpAssert.ProblemAsync(unknown, HttpStatusCode.NotFound, "upload_not_found");

        using var malformed = await _api.GetAsync("/api/uploads/not-a-guid");
        await HttpAssert.ProblemAsync(malformed, HttpStatusCode.NotFound, "upload_not_found");
    }
}
