using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Catalog;

/// <summary>
/// The seed's tables in the standalone server's SQLite file, as a platform sees them: session rows (status, sizes,
/// protocol), one chunk row per chunk with its size and hash, the video row joined by upload_session_id; resent chunks
/// never duplicate rows.
/// </summary>
public sealed class CatalogTablesTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const int Chunk = GatewayFixture.ChunkSize;
    private readonly UploadsApiClient _api = gateway.Api;
    private readonly CatalogFile _catalog = new(gateway.StateDirectory);

    [Fact]
    public async Task A_seed_upload_has_its_session_chunk_and_video_rows_when_completed_is_acknowledged()
    {
        var file = TestData.RandomBytes((2 * Chunk) + 10, seed: 1401);
        var upload = await _api.StartAsync("Clip.MOV", file.Length, projectId: "proj-catalog", metadata: new { title = "Beach" });
        await _api.PutAllChunksAsync(upload, file);
        await _api.SendCompleteAsync(upload.UploadId);

        // No waiting: a completion is acknowledged after its rows committed.
        var session = Assert.Single(await _catalog.SessionAsync(upload.UploadId));
        Assert.Equal("completed", session["status"]);
        Assert.Equal("seed", session["protocol"]);
        Assert.Equal((long)file.Length, session["total_size"]);
        Assert.Equal((long)file.Length, session["uploaded_size"]);
        Assert.Equal("Clip.MOV", session["original_filename"]);
        Assert.Equal(TestData.StorageKey(upload.UploadId, ".mov"), session["filename"]);
        Assert.Equal("proj-catalog", session["project_id"]);
        Assert.Equal(TestData.Sha256Hex(file), session["file_hash"]);
        Assert.Contains("Beach", (string)session["metadata"]!, StringComparison.Ordinal);
        Assert.NotNull(session["completed_at"]);

        var chunks = await _catalog.ChunksAsync(upload.UploadId);
        Assert.Equal([0L, 1L, 2L], chunks.Select(row => (long)row["chunk_number"]!));
        Assert.Equal([(long)Chunk, Chunk, 10L], chunks.Select(row => (long)row["size"]!));
        Assert.Equal(Enumerable.Range(0, 3).Select(n => TestData.Sha256Hex(upload.ChunkOf(file, n))), chunks.Select(row => (string?)row["hash"]));
        Assert.All(chunks, row => Assert.Equal(0L, row["retry_count"]));

        var video = Assert.Single(await _catalog.QueryAsync(
            "SELECT v.* FROM videos v JOIN upload_sessions s ON s.id = v.upload_session_id WHERE s.id = @id", ("id", upload.UploadId.ToString("D"))));
        Assert.Equal(upload.UploadId.ToString("D"), video["id"]);
        Assert.Equal((long)file.Length, video["size"]);
        Assert.Equal("proj-catalog", video["project_id"]);
        Assert.Equal("Clip.MOV", video["original_filename"]);
        Assert.Equal("unscanned", video["scan_status"]);
    }

    [Fact]
    public async Task A_chunk_sent_again_adds_no_row()
    {
        var file = TestData.RandomBytes((2 * Chunk) + 1, seed: 1402);
        var upload = await _api.StartAsync("again.mp4", file.Length);
        await _api.PutChunkOkAsync(upload, file, 0);
        await _api.PutChunkOkAsync(upload, file, 0);
        await _api.PutChunkOkAsync(upload, file, 0);
        await _catalog.SessionWithStatusAsync(upload.UploadId, "uploading");

        await Eventually.WaitUntilAsync(async () => (await _catalog.ChunksAsync(upload.UploadId)).Count == 1, "chunk 0's row");
        await _api.PutChunkOkAsync(upload, file, 1);
        await _api.PutChunkOkAsync(upload, file, 0);
        await _api.PutChunkOkAsync(upload, file, 2);

        var session = await _catalog.SessionWithStatusAsync(upload.UploadId, "completed");
        Assert.Equal((long)file.Length, session["uploaded_size"]);
        Assert.Equal(3, (await _catalog.ChunksAsync(upload.UploadId)).Count);
        Assert.Equal(1L, (await _catalog.QueryAsync("SELECT count(*) AS n FROM videos WHERE upload_session_id = @id", ("id", upload.UploadId.ToString("D"))))[0]["n"]);
    }

    [Fact]
    public async Task A_tus_upload_has_tus_rows_one_per_chunk_size_span()
    {
        var file = TestData.RandomBytes((2 * Chunk) + 7, seed: 1403);
        var tus = new TusApiClient(gateway.Client);
        var uploadId = await tus.CreateAsync("tus.mp4", file.Length);
        Assert.Equal(HttpStatusCode.NoContent, (await tus.PatchAsync(uploadId, 0, file.AsMemory(0, Chunk + 100))).Status);

        var partial = await _catalog.SessionWithStatusAsync(uploadId, "uploading");
        Assert.Equal("tus", partial["protocol"]);
        await Eventually.WaitUntilAsync(async () => (await _catalog.SessionAsync(uploadId)).Single()["uploaded_size"] is (long)(Chunk + 100), "the offset's row");
        Assert.Single(await _catalog.ChunksAsync(uploadId));

        Assert.Equal(HttpStatusCode.NoContent, (await tus.PatchAsync(uploadId, Chunk + 100, file.AsMemory(Chunk + 100))).Status);

        var session = await _catalog.SessionWithStatusAsync(uploadId, "completed");
        Assert.Equal((long)file.Length, session["uploaded_size"]);
        var chunks = await _catalog.ChunksAsync(uploadId);
        Assert.Equal([(long)Chunk, Chunk, 7L], chunks.Select(row => (long)row["size"]!));
        Assert.All(chunks, row => Assert.Null(row["hash"]));
        Assert.Single(await _catalog.VideoAsync(uploadId));
    }
}
