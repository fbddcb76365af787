using System.Net;
using Orleans.Uploads.Harness;
using Xunit.Abstractions;

namespace Orleans.Uploads.Cluster.Tests.RealCluster;

/// <summary>
/// Several gateways in front of one session: the session grain, not the gateway a request happens to reach, owns the
/// upload, so an upload may move between gateways and two clients racing through different gateways cannot corrupt it.
/// </summary>
[Collection(RealClusterCollection.Name)]
public sealed class CrossGatewayTests(UploadClusterFixture fixture, ITestOutputHelper output) : IClassFixture<UploadClusterFixture>
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Half_the_chunks_through_one_gateway_and_the_rest_through_another_download_identically_from_both()
    {
        var file = new SeededFile((5 * MiB) + 12_345, seed: 1_001);
        var (a, b) = (fixture.Gateway(0), fixture.Gateway(1));

        var upload = await a.InitiateAsync("two-gateways.mp4", file.Size, file.Sha256);
        Assert.Equal(RealClusterFixture.ChunkSize, upload.ChunkSize);
        Assert.Equal(file.ChunkCount, upload.TotalChunks);
        var half = file.ChunkCount / 2;
        for (var chunk = 0; chunk < half; chunk++)
        {
            var receipt = await a.PutChunkAsync(upload.UploadId, chunk, file.Chunk(chunk), file.ChunkSha256(chunk));
            Assert.False(receipt.AlreadyStored);
            Assert.Equal("uploading", receipt.Status);
        }

        // The other gateway sees exactly what the first one stored, before it sends anything itself.
        var midway = await b.GetStatusAsync(upload.UploadId);
        Assert.Equal("uploading", midway.Status);
        Assert.Equal(half, midway.CompletedChunks);
        Assert.Equal(Enumerable.Range(half, file.ChunkCount - half), midway.MissingChunks);

        ChunkReply? last = null;
        for (var chunk = half; chunk < file.ChunkCount; chunk++)
        {
            last = await b.PutChunkAsync(upload.UploadId, chunk, file.Chunk(chunk), file.ChunkSha256(chunk));
            Assert.False(last.AlreadyStored);
        }

        Assert.Equal("completed", last!.Status);
        var status = await a.GetStatusAsync(upload.UploadId);
        Assert.Equal("completed", status.Status);
        Assert.Equal(file.Size, status.UploadedBytes);
        Assert.Equal(file.Sha256, status.FileHash);
        Assert.Empty(status.MissingChunks);

        var video = await b.CompleteAsync(upload.UploadId);
        Assert.Equal(file.Size, video.Size);
        Assert.Equal(file.Sha256, video.FileHash);
        foreach (var gateway in fixture.Gateways)
        {
            var downloaded = await gateway.DownloadAsync(video.Id);
            Assert.Equal(file.Size, downloaded.Length);
            Assert.Equal(file.Sha256, SeededFile.Sha256Of(downloaded));
        }
    }

    [Fact]
    public async Task Two_clients_racing_the_same_bytes_through_different_gateways_store_each_chunk_once()
    {
        var file = new SeededFile((2 * MiB) + 777, seed: 1_002);
        var (a, b) = (fixture.Gateway(0), fixture.Gateway(1));
        var upload = await a.InitiateAsync("same-bytes.mp4", file.Size, file.Sha256);
        var lastChunk = file.ChunkCount - 1;

        for (var chunk = 0; chunk < file.ChunkCount; chunk++)
        {
            var answers = await RaceAsync(
                a.TryPutChunkAsync(upload.UploadId, chunk, file.Chunk(chunk), file.ChunkSha256(chunk)),
                b.TryPutChunkAsync(upload.UploadId, chunk, file.Chunk(chunk), file.ChunkSha256(chunk)));
            var stored = Assert.Single(answers, answer => answer is { IsOk: true, Receipt.AlreadyStored: false });
            var other = Assert.Single(answers, answer => answer != stored);
            if (chunk < lastChunk)
            {
                // The same bytes again: acknowledged, as a duplicate of what is stored.
                Assert.True(other is { IsOk: true, Receipt.AlreadyStored: true }, other.ToString());
                Assert.Equal("uploading", stored.Receipt!.Status);
            }
            else
            {
                // The winner's chunk completed the upload; the same bytes after that are a duplicate or "already complete".
                Assert.Equal("completed", stored.Receipt!.Status);
                Assert.True(other is { IsOk: true, Receipt.AlreadyStored: true } or { Status: HttpStatusCode.Conflict, Code: "upload_completed" }, other.ToString());
            }
        }

        var status = await b.GetStatusAsync(upload.UploadId);
        Assert.Equal("completed", status.Status);
        Assert.Equal(file.Sha256, status.FileHash);
        Assert.Equal(0, status.ChunkRetries);
        foreach (var gateway in fixture.Gateways)
        {
            Assert.Equal(file.Sha256, SeededFile.Sha256Of(await gateway.DownloadAsync(upload.UploadId)));
        }
    }

    [Fact]
    public async Task Two_clients_racing_different_bytes_through_different_gateways_end_with_exactly_the_acknowledged_version_of_each_chunk()
    {
        const int size = (2 * MiB) + 4_321;
        var versions = new[] { new SeededFile(size, seed: 1_003), new SeededFile(size, seed: 1_004) };
        var clients = new[] { fixture.Gateway(0), fixture.Gateway(1) };
        var upload = await clients[0].InitiateAsync("different-bytes.mp4", size);
        var chunks = versions[0].ChunkCount;
        var winners = new int[chunks];

        for (var chunk = 0; chunk < chunks; chunk++)
        {
            var answers = await RaceAsync(
                clients[0].TryPutChunkAsync(upload.UploadId, chunk, versions[0].Chunk(chunk), versions[0].ChunkSha256(chunk)),
                clients[1].TryPutChunkAsync(upload.UploadId, chunk, versions[1].Chunk(chunk), versions[1].ChunkSha256(chunk)));

            // Exactly one version is acknowledged, as newly stored; the other sender is told its bytes lost.
            var stored = Assert.Single(answers, answer => answer.IsOk);
            Assert.False(stored.Receipt!.AlreadyStored);
            winners[chunk] = Array.IndexOf(answers, stored);
            var loser = answers[1 - winners[chunk]];
            Assert.Equal(HttpStatusCode.Conflict, loser.Status);
            if (chunk < chunks - 1)
            {
                Assert.True(loser.Code == "chunk_conflict", loser.ToString());
            }
            else
            {
                // The winner of the last chunk completed the upload before the loser was judged.
                Assert.Equal("completed", stored.Receipt.Status);
                Assert.True(loser.Code is "chunk_conflict" or "upload_completed", loser.ToString());
            }
        }

        output.WriteLine($"chunks won by the client on gateway0: {winners.Count(w => w == 0)}, on gateway1: {winners.Count(w => w == 1)}");
        var expected = new byte[size];
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            versions[winners[chunk]].Chunk(chunk).CopyTo(expected.AsMemory(chunk * RealClusterFixture.ChunkSize));
        }

        var status = await clients[1].GetStatusAsync(upload.UploadId);
        Assert.Equal("completed", status.Status);
        Assert.Equal(SeededFile.Sha256Of(expected), status.FileHash);
        foreach (var gateway in clients)
        {
            var downloaded = await gateway.DownloadAsync(upload.UploadId);
            Assert.Equal(SeededFile.Sha256Of(expected), SeededFile.Sha256Of(downloaded));
            for (var chunk = 0; chunk < chunks; chunk++)
            {
                // Each stored chunk is the version its sender was told was stored, and not the refused one.
                var got = SeededFile.ChunkOf(downloaded, chunk, RealClusterFixture.ChunkSize).Span;
                Assert.True(got.SequenceEqual(versions[winners[chunk]].Chunk(chunk).Span), $"chunk {chunk} is not the acknowledged version");
                Assert.False(got.SequenceEqual(versions[1 - winners[chunk]].Chunk(chunk).Span), $"chunk {chunk} is the refused version");
            }
        }
    }

    /// <summary>The IETF resumable-upload draft is on the same sessions: created through one gateway, resumed through the other.</summary>
    [Fact]
    public async Task An_ietf_draft_upload_created_on_one_gateway_resumes_and_completes_on_the_other()
    {
        var file = new SeededFile((2 * MiB) + 777, seed: 1_004);
        var (a, b) = (fixture.Gateway(0).Http, fixture.Gateway(1).Http);
        const int half = MiB;

        using var created = await a.SendAsync(IetfRequest(HttpMethod.Post, "/files/", file.Bytes[..half], "video/mp4", ("Upload-Complete", "?0"), ("Upload-Metadata", "filename Y2x1c3Rlci5tcDQ=")));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var location = created.Headers.Location!.OriginalString;

        using var head = await b.SendAsync(IetfRequest(HttpMethod.Head, location, null, null));
        Assert.Equal(HttpStatusCode.NoContent, head.StatusCode);
        Assert.Equal(half.ToString(System.Globalization.CultureInfo.InvariantCulture), head.Headers.GetValues("Upload-Offset").Single());

        using var finished = await b.SendAsync(IetfRequest(
            HttpMethod.Patch, location, file.Bytes[half..], "application/partial-upload", ("Upload-Offset", half.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("Upload-Complete", "?1")));
        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        foreach (var gateway in new[] { a, b })
        {
            Assert.Equal(file.Sha256, SeededFile.Sha256Of(await gateway.GetByteArrayAsync(new Uri(location, UriKind.Relative))));
        }
    }

    private static HttpRequestMessage IetfRequest(HttpMethod method, string path, byte[]? body, string? contentType, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Add("Upload-Draft-Interop-Version", "8");
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType!);
        }

        return request;
    }

    /// <summary>Both requests are on the wire before either answer is awaited.</summary>
    private static Task<ChunkAnswer[]> RaceAsync(Task<ChunkAnswer> first, Task<ChunkAnswer> second) => Task.WhenAll(first, second);
}
