using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;
using Orleans.Uploads.TestSupport;

namespace Orleans.Uploads.Gateway.Tests.Tus;

/// <summary>
/// A client whose PATCH hangs mid-body resumes with HEAD and a new PATCH. The new request ends the stale one and
/// proceeds (never 423 Locked); the stale one, when its bytes finally arrive, fails (409 append_superseded) and
/// writes nothing. Its late bytes differ from the file's, so any of them landing would show in the final sha256.
/// </summary>
public sealed class TusStaleRequestTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const int Chunk = GatewayFixture.ChunkSize;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly TusClient _tus = new(gateway.Client);
    private readonly UploadsApiClient _api = gateway.Api;

    [Fact]
    public async Task Head_reports_only_the_committed_bytes_of_a_stuck_patch_and_a_new_patch_takes_over()
    {
        var file = TestData.RandomBytes((4 * Chunk) + 1000, seed: 2001);
        var id = await _tus.CreateOkAsync(file.Length);
        var (stale, staleResponse) = await StartStuckPatchAsync(id, file);

        // The server committed the stuck request's first full piece; the bytes after it sit in its buffer, unacknowledged.
        await WaitForCommittedAsync(id, Chunk);
        Assert.Equal(Chunk, await _tus.OffsetAsync(id));

        var offset = await _tus.PatchOkAsync(id, Chunk, file[Chunk..(2 * Chunk)]);

        stale.Resume();
        using (var superseded = await staleResponse.WaitAsync(Patience))
        {
            await HttpAssert.ProblemAsync(superseded, HttpStatusCode.Conflict, "append_superseded");
            TusClient.AssertTus(superseded);
        }

        Assert.Equal(offset, await _tus.OffsetAsync(id));
        await _tus.PatchAllAsync(id, file, pieceSize: file.Length, from: offset);
        Assert.Equal(TestData.Sha256Hex(file), TestData.Sha256Hex(await _tus.DownloadAsync(id)));
    }

    [Fact]
    public async Task New_patch_without_head_takes_over_from_a_stuck_patch()
    {
        var file = TestData.RandomBytes((4 * Chunk) + 1000, seed: 2002);
        var id = await _tus.CreateOkAsync(file.Length);
        var (stale, staleResponse) = await StartStuckPatchAsync(id, file);
        await WaitForCommittedAsync(id, Chunk);

        using (var takeover = await _tus.PatchAsync(id, Chunk, file[Chunk..(3 * Chunk)]))
        {
            Assert.NotEqual((HttpStatusCode)423, takeover.StatusCode);
            await HttpAssert.StatusAsync(takeover, HttpStatusCode.NoContent);
            Assert.Equal((3 * Chunk).ToString(System.Globalization.CultureInfo.InvariantCulture), TusClient.Header(takeover, "Upload-Offset"));
        }

        stale.Resume();
        using (var superseded = await staleResponse.WaitAsync(Patience))
        {
            await HttpAssert.ProblemAsync(superseded, HttpStatusCode.Conflict, "append_superseded");
        }

        Assert.Equal(3 * Chunk, await _tus.OffsetAsync(id));
        await _tus.PatchOkAsync(id, 3 * Chunk, file[(3 * Chunk)..]);
        Assert.Equal(TestData.Sha256Hex(file), TestData.Sha256Hex(await _tus.DownloadAsync(id)));
    }

    [Fact]
    public async Task Staged_bytes_of_a_stuck_checksummed_patch_are_not_the_upload()
    {
        var file = TestData.RandomBytes((3 * Chunk) + 1000, seed: 2003);
        var id = await _tus.CreateOkAsync(file.Length);

        // Garbage under a checksum: its pieces are written to the temp file but stay uncommitted until the digest is known.
        var garbage = TestData.RandomBytes(3 * Chunk, seed: 2004);
        var stale = new PausingContent(garbage, pauseAt: Chunk + 500, TusClient.OffsetOctetStream);
        var staleResponse = _tus.PatchAsync(
            TusClient.PathOf(id), stale, ("Upload-Offset", "0"), ("Upload-Checksum", TusChecksumTests.ChecksumOf("sha256", garbage)));
        await stale.Paused.WaitAsync(Patience);
        await Eventually.WaitUntilAsync(
            async () => (await ReadTempAsync(id, Chunk)).AsSpan().SequenceEqual(garbage.AsSpan(0, Chunk)),
            "the stuck request's first piece to be staged in the temp file",
            Patience);
        Assert.False(staleResponse.IsCompleted);

        Assert.Equal(0, await _tus.OffsetAsync(id));
        var offset = await _tus.PatchOkAsync(id, 0, file[..(2 * Chunk)]);

        stale.Resume();
        using (var superseded = await staleResponse.WaitAsync(Patience))
        {
            await HttpAssert.ProblemAsync(superseded, HttpStatusCode.Conflict, "append_superseded");
        }

        Assert.Equal(offset, await _tus.OffsetAsync(id));
        await _tus.PatchOkAsync(id, offset, file[(int)offset..]);
        Assert.Equal(TestData.Sha256Hex(file), TestData.Sha256Hex(await _tus.DownloadAsync(id)));
    }

    [Fact]
    public async Task A_patch_whose_bytes_were_all_committed_succeeds_even_when_taken_over_before_it_learns_its_body_ended()
    {
        var file = TestData.RandomBytes(3 * Chunk, seed: 2006);
        var id = await _tus.CreateOkAsync(file.Length);

        // Two whole pieces, sent chunked: the server stores and commits both, then waits to learn whether more follow.
        var body = new UnsizedContent(file[..(2 * Chunk)], TusClient.OffsetOctetStream, holdBeforeEnd: true);
        var response = _tus.PatchAsync(TusClient.PathOf(id), body, ("Upload-Offset", "0"));
        await WaitForCommittedAsync(id, 2 * Chunk);
        Assert.Equal(2 * Chunk, await _tus.OffsetAsync(id));
        body.End();

        using (var finished = await response.WaitAsync(Patience))
        {
            await HttpAssert.StatusAsync(finished, HttpStatusCode.NoContent);
            Assert.Equal((2 * Chunk).ToString(System.Globalization.CultureInfo.InvariantCulture), TusClient.Header(finished, "Upload-Offset"));
        }

        await _tus.PatchOkAsync(id, 2 * Chunk, file[(2 * Chunk)..]);
        Assert.Equal(TestData.Sha256Hex(file), TestData.Sha256Hex(await _tus.DownloadAsync(id)));
    }

    /// <summary>
    /// PATCHes at offset 0 a body whose first piece and 5000 more bytes are the file's, then stalls; what it sends
    /// once released is garbage.
    /// </summary>
    private async Task<(PausingContent Content, Task<HttpResponseMessage> Response)> StartStuckPatchAsync(Guid id, byte[] file)
    {
        var stallAt = Chunk + 5000;
        var body = file.ToArray();
        TestData.RandomBytes(body.Length - stallAt, seed: 2099).CopyTo(body, stallAt);
        var content = new PausingContent(body, stallAt, TusClient.OffsetOctetStream);
        var response = _tus.PatchAsync(TusClient.PathOf(id), content, ("Upload-Offset", "0"));
        await content.Paused.WaitAsync(Patience);
        return (content, response);
    }

    /// <summary>Waits, through the seed API's status (which leaves append leases alone, unlike HEAD), for the durable offset.</summary>
    private Task WaitForCommittedAsync(Guid id, long bytes) =>
        Eventually.WaitUntilAsync(
            async () => (await _api.GetStatusOkAsync(id)).GetProperty("uploadedBytes").GetInt64() == bytes,
            $"the stuck request's first {bytes} bytes to be committed",
            Patience);

    private async Task<byte[]> ReadTempAsync(Guid id, int length)
    {
        await using var temp = new FileStream(gateway.TempFileOf(id), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var bytes = new byte[length];
        await temp.ReadExactlyAsync(bytes);
        return bytes;
    }
}
