using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests;

/// <summary>PUT /api/uploads/{id}/chunks/{n}: receipts, length and hash checks, re-sends, and closed uploads.</summary>
public sealed class ChunkTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const int Chunk = GatewayFixture.ChunkSize;

    /// <summary>Three chunks: two full ones and a short last one.</summary>
    private const int FileSize = (2 * Chunk) + 1000;

    private readonly UploadsApiClient _api = gateway.Api;

    [Fact]
    public async Task Stored_chunk_gets_a_receipt_with_progress()
    {
        var file = TestData.RandomBytes(FileSize, seed: 1);
        var upload = await _api.StartAsync("clip.mp4", file.Length);

        var receipt = await _api.PutChunkOkAsync(upload, file, 1);

        Assert.Equal(upload.UploadId, receipt.GetProperty("uploadId").GetGuid());
        Assert.Equal(1, receipt.GetProperty("chunkNumber").GetInt32());
        Assert.Equal(1, receipt.GetProperty("completedChunks").GetInt32());
        Assert.Equal(3, receipt.GetProperty("totalChunks").GetInt32());
        Assert.Equal(Chunk, receipt.GetProperty("uploadedBytes").GetInt64());
        Assert.Equal(Math.Floor(10_000.0 * Chunk / FileSize) / 100, receipt.GetProperty("progressPercentage").GetDouble());
        Assert.Equal("uploading", receipt.GetProperty("status").GetString());
        Assert.False(receipt.GetProperty("alreadyStored").GetBoolean());
    }

    [Fact]
    public async Task Chunk_without_a_hash_header_is_accepted()
    {
        var file = TestData.RandomBytes(FileSize, seed: 2);
        var upload = await _api.StartAsync("clip.mp4", file.Length);

        var receipt = await _api.PutChunkOkAsync(upload, file, 0, withHash: false);

        Assert.Equal(1, receipt.GetProperty("completedChunks").GetInt32());
    }

    [Fact]
    public async Task Chunk_hash_header_is_accepted_in_upper_case()
    {
        var file = TestData.RandomBytes(FileSize, seed: 3);
        var upload = await _api.StartAsync("clip.mp4", file.Length);
        var chunk = upload.ChunkOf(file, 0);

        using var response = await _api.SendChunkAsync(upload.UploadId, 0, chunk, TestData.Sha256Hex(chunk).ToUpperInvariant());

        await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Storing_the_last_chunk_completes_the_upload_whatever_the_order()
    {
        var file = TestData.RandomBytes(FileSize, seed: 4);
        var upload = await _api.StartAsync("clip.mp4", file.Length);

        var first = await _api.PutChunkOkAsync(upload, file, 2);
        Assert.Equal(1000, first.GetProperty("uploadedBytes").GetInt64());
        await _api.PutChunkOkAsync(upload, file, 0);
        var last = await _api.PutChunkOkAsync(upload, file, 1);

        Assert.Equal("completed", last.GetProperty("status").GetString());
        Assert.Equal(3, last.GetProperty("completedChunks").GetInt32());
        Assert.Equal(FileSize, last.GetProperty("uploadedBytes").GetInt64());
        Assert.Equal(100.0, last.GetProperty("progressPercentage").GetDouble());
        var status = await _api.GetStatusOkAsync(upload.UploadId);
        Assert.Equal("completed", status.GetProperty("status").GetString());
        Assert.Equal(file, await File.ReadAllBytesAsync(Path.Combine(gateway.FinalDirectory, TestData.StorageKey(upload.UploadId))));
    }

    [Fact]
    public async Task Single_chunk_upload_completes_with_its_only_chunk()
    {
        var file = TestData.RandomVideo(777, seed: 5, ".webm");
        var upload = await _api.StartAsync("tiny.webm", file.Length);
        Assert.Equal(1, upload.TotalChunks);

        var receipt = await _api.PutChunkOkAsync(upload, file, 0);

        Assert.Equal("completed", receipt.GetProperty("status").GetString());
        Assert.True(File.Exists(Path.Combine(gateway.FinalDirectory, TestData.StorageKey(upload.UploadId, ".webm"))));
    }

    [Fact]
    public async Task Chunk_for_an_unknown_upload_is_not_found()
    {
        using var response = await _api.SendChunkAsync(Guid.NewGuid(), 0, new byte[10]);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.NotFound, "upload_not_found");
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("12345")]
    public async Task Chunk_for_a_malformed_upload_id_is_not_found(string uploadId)
    {
        using var response = await _api.SendChunkAsync(uploadId, "0", new ByteArrayContent(new byte[10]));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.NotFound, "upload_not_found");
    }

    [Theory]
    [InlineData("3")]
    [InlineData("4")]
    [InlineData("2147483647")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("99999999999")]
    public async Task Chunk_number_outside_the_layout_is_out_of_range(string chunkNumber)
    {
        var upload = await _api.StartAsync("clip.mp4", FileSize);

        using var response = await _api.SendChunkAsync(upload.UploadId.ToString(), chunkNumber, new ByteArrayContent(new byte[1000]));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "chunk_out_of_range");
    }

    [Fact]
    public async Task Chunk_without_content_length_is_refused()
    {
        var file = TestData.RandomBytes(FileSize, seed: 6);
        var upload = await _api.StartAsync("clip.mp4", file.Length);

        // A body whose length is unknown up front: HttpClient sends it with Transfer-Encoding: chunked and no
        // Content-Length. TestServer's client handler does the same as Kestrel would see it: the request reaches the
        // endpoint with HttpRequest.ContentLength == null (no Content-Length header), which is exactly the case to test.
        using var content = new UnknownLengthContent(upload.ChunkOf(file, 0));
        Assert.Null(content.Headers.ContentLength);
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"/api/uploads/{upload.UploadId}/chunks/0", UriKind.Relative)) { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await gateway.Client.SendAsync(request);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.LengthRequired, "content_length_required");
        var status = await _api.GetStatusOkAsync(upload.UploadId);
        Assert.Equal(0, status.GetProperty("completedChunks").GetInt32());
    }

    [Theory]
    [InlineData(0, Chunk + 1)]
    [InlineData(2, 1001)]
    [InlineData(2, Chunk)]
    public async Task Chunk_longer_than_its_slot_is_too_large(int chunkNumber, int length)
    {
        var upload = await _api.StartAsync("clip.mp4", FileSize);

        using var response = await _api.SendChunkAsync(upload.UploadId, chunkNumber, TestData.RandomBytes(length, seed: 7));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "chunk_too_large");
    }

    [Theory]
    [InlineData(0, Chunk - 1)]
    [InlineData(1, 1000)]
    [InlineData(2, 999)]
    [InlineData(0, 0)]
    public async Task Chunk_shorter_than_its_slot_is_a_size_mismatch(int chunkNumber, int length)
    {
        var upload = await _api.StartAsync("clip.mp4", FileSize);

        using var response = await _api.SendChunkAsync(upload.UploadId, chunkNumber, TestData.RandomBytes(length, seed: 8));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "chunk_size_mismatch");
        var status = await _api.GetStatusOkAsync(upload.UploadId);
        Assert.Equal(0, status.GetProperty("completedChunks").GetInt32());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("sha256=0000")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg")]
    public async Task Malformed_chunk_hash_header_is_refused(string header)
    {
        var file = TestData.RandomBytes(FileSize, seed: 9);
        var upload = await _api.StartAsync("clip.mp4", file.Length);

        using var response = await _api.SendChunkAsync(upload.UploadId, 0, upload.ChunkOf(file, 0), header);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_chunk_hash");
    }

    [Fact]
    public async Task Chunk_that_does_not_match_its_hash_is_rejected_counted_and_can_be_sent_again()
    {
        var file = TestData.RandomBytes(FileSize, seed: 10);
        var upload = await _api.StartAsync("clip.mp4", file.Length);
        var chunk = upload.ChunkOf(file, 1);
        var corrupted = (byte[])chunk.Clone();
        corrupted[100] ^= 0xFF;

        using (var rejected = await _api.SendChunkAsync(upload.UploadId, 1, corrupted, TestData.Sha256Hex(chunk)))
        {
            await HttpAssert.ProblemAsync(rejected, HttpStatusCode.UnprocessableEntity, "chunk_hash_mismatch");
        }

        var afterRejection = await _api.GetStatusOkAsync(upload.UploadId);
        Assert.Equal([0, 1, 2], HttpAssert.IntArray(afterRejection.GetProperty("missingChunks")));
        Assert.Equal([1], HttpAssert.IntArray(afterRejection.GetProperty("failedChunks")));
        Assert.Equal(1, afterRejection.GetProperty("chunkRetries").GetInt32());
        Assert.Equal(0, afterRejection.GetProperty("completedChunks").GetInt32());

        var receipt = await _api.PutChunkOkAsync(upload, file, 1);
        Assert.False(receipt.GetProperty("alreadyStored").GetBoolean());
        Assert.Equal(1, receipt.GetProperty("completedChunks").GetInt32());

        var afterResend = await _api.GetStatusOkAsync(upload.UploadId);
        Assert.Equal([0, 2], HttpAssert.IntArray(afterResend.GetProperty("missingChunks")));
        Assert.Empty(HttpAssert.IntArray(afterResend.GetProperty("failedChunks")));
        Assert.Equal(1, afterResend.GetProperty("chunkRetries").GetInt32());

        // The stored bytes are the good ones: the finished file is the original.
        await _api.PutChunkOkAsync(upload, file, 0);
        Assert.Equal("completed", (await _api.PutChunkOkAsync(upload, file, 2)).GetProperty("status").GetString());
        Assert.Equal(file, await File.ReadAllBytesAsync(Path.Combine(gateway.FinalDirectory, TestData.StorageKey(upload.UploadId))));
    }

    [Fact]
    public async Task Same_chunk_sent_again_is_acknowledged_as_already_stored()
    {
        var file = TestData.RandomBytes(FileSize, seed: 12);
        var upload = await _api.StartAsync("clip.mp4", file.Length);
        await _api.PutChunkOkAsync(upload, file, 0);

        var again = await _api.PutChunkOkAsync(upload, file, 0);
        var againWithoutHash = await _api.PutChunkOkAsync(upload, file, 0, withHash: false);

        foreach (var receipt in new[] { again, againWithoutHash })
        {
            Assert.True(receipt.GetProperty("alreadyStored").GetBoolean());
            Assert.Equal(1, receipt.GetProperty("completedChunks").GetInt32());
            Assert.Equal(Chunk, receipt.GetProperty("uploadedBytes").GetInt64());
        }

        var status = await _api.GetStatusOkAsync(upload.UploadId);
        Assert.Equal(0, status.GetProperty("chunkRetries").GetInt32());
    }

    [Fact]
    public async Task Different_bytes_for_a_stored_chunk_conflict()
    {
        var file = TestData.RandomBytes(FileSize, seed: 13);
        var upload = await _api.StartAsync("clip.mp4", file.Length);
        await _api.PutChunkOkAsync(upload, file, 0);
        var other = TestData.RandomBytes(Chunk, seed: 14);

        using (var withHash = await _api.SendChunkAsync(upload.UploadId, 0, other, TestData.Sha256Hex(other)))
        {
            await HttpAssert.ProblemAsync(withHash, HttpStatusCode.Conflict, "chunk_conflict");
        }

        using (var withoutHash = await _api.SendChunkAsync(upload.UploadId, 0, other))
        {
            await HttpAssert.ProblemAsync(withoutHash, HttpStatusCode.Conflict, "chunk_conflict");
        }

        // The first bytes stay: re-sending them is still fine.
        Assert.True((await _api.PutChunkOkAsync(upload, file, 0)).GetProperty("alreadyStored").GetBoolean());
    }

    [Fact]
    public async Task Chunk_after_completion_is_refused()
    {
        var file = TestData.RandomBytes(FileSize, seed: 15);
        var upload = await _api.StartAsync("clip.mp4", file.Length);
        await _api.PutAllChunksAsync(upload, file);

        // Whether it repeats stored bytes or not, a completed upload takes no more chunks.
        using (var same = await _api.SendChunkAsync(upload.UploadId, 0, upload.ChunkOf(file, 0)))
        {
            await HttpAssert.ProblemAsync(same, HttpStatusCode.Conflict, "upload_completed");
        }

        using var different = await _api.SendChunkAsync(upload.UploadId, 2, TestData.RandomBytes(1000, seed: 16));
        await HttpAssert.ProblemAsync(different, HttpStatusCode.Conflict, "upload_completed");
    }

    [Fact]
    public async Task Chunk_after_cancellation_is_gone()
    {
        var file = TestData.RandomBytes(FileSize, seed: 17);
        var upload = await _api.StartAsync("clip.mp4", file.Length);
        await _api.PutChunkOkAsync(upload, file, 0);
        using (var cancelled = await _api.SendCancelAsync(upload.UploadId))
        {
            await HttpAssert.StatusAsync(cancelled, HttpStatusCode.NoContent);
        }

        using var response = await _api.SendChunkAsync(upload.UploadId, 1, upload.ChunkOf(file, 1));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Gone, "upload_cancelled");
        Assert.False(File.Exists(gateway.TempFileOf(upload.UploadId)));
    }

    [Fact]
    public async Task Chunks_of_one_upload_can_arrive_concurrently()
    {
        var file = TestData.RandomBytes((3 * Chunk) + 5, seed: 18);
        var upload = await _api.StartAsync("clip.mp4", file.Length);

        // At most MaxConcurrentChunks (3) in flight at once; send three, then the last.
        var responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(n => _api.SendChunkAsync(upload.UploadId, n, upload.ChunkOf(file, n))));
        foreach (var response in responses)
        {
            await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
            response.Dispose();
        }

        var last = await _api.PutChunkOkAsync(upload, file, 3);
        Assert.Equal("completed", last.GetProperty("status").GetString());
        Assert.Equal(file, await File.ReadAllBytesAsync(Path.Combine(gateway.FinalDirectory, TestData.StorageKey(upload.UploadId))));
    }

    /// <summary>Content that cannot say its length in advance, like a stream being produced.</summary>
    private sealed class UnknownLengthContent(byte[] data) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(data).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
