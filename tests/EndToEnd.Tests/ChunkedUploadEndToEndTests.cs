using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Orleans.Uploads.Harness;
using Orleans.Uploads.TestSupport;
using Xunit.Abstractions;

namespace Orleans.Uploads.EndToEnd.Tests;

/// <summary>
/// The built gateway as a real process (standalone: it hosts its own silo, state in files under its working directory),
/// driven over HTTP like a client would: chunks out of order and concurrently, a corrupt chunk, crashes and restarts.
/// </summary>
public sealed class ChunkedUploadEndToEndTests(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;
    private const int DefaultChunkSize = 5 * MiB;
    private const int ClientParallelism = 3;

    [Fact]
    public async Task A_50_MiB_file_sent_as_shuffled_concurrent_chunks_with_one_corrupt_attempt_downloads_byte_for_byte()
    {
        var clock = Stopwatch.StartNew();
        using var directory = new TempDirectory("uploads-e2e");
        var file = await RandomFile.CreateAsync(directory.Combine("source.bin"), 50L * MiB, seed: 50_2024);
        await using var server = await GatewayServer.StartAsync(directory.Path);
        Log(clock, "gateway healthy");
        var api = server.Api;

        var upload = await api.InitiateAsync("holiday.mp4", file.Size, file.Sha256);
        Assert.Equal(DefaultChunkSize, upload.ChunkSize);
        Assert.Equal(10, upload.TotalChunks);
        Assert.Equal("initiated", upload.Status);

        var order = Enumerable.Range(0, upload.TotalChunks).ToArray();
        new Random(11).Shuffle(order);
        var corrupted = order[order.Length / 2];
        ProblemReply? rejection = null;
        var receipts = new ConcurrentBag<ChunkReply>();
        await Parallel.ForEachAsync(order, new ParallelOptions { MaxDegreeOfParallelism = ClientParallelism }, async (chunk, _) =>
        {
            var bytes = await file.ReadChunkAsync(chunk, upload.ChunkSize);
            var sha256 = RandomFile.Sha256Of(bytes);
            if (chunk == corrupted)
            {
                // One flipped byte under the hash of the true bytes: refused, and the chunk stays missing.
                bytes[bytes.Length / 3] ^= 0x5A;
                var refused = await api.TryPutChunkAsync(upload.UploadId, chunk, bytes, sha256);
                Assert.True(refused.Status == HttpStatusCode.UnprocessableEntity, $"{refused}{api.ServerOutputTail()}");
                rejection = refused.Problem;
                bytes[bytes.Length / 3] ^= 0x5A;
            }

            receipts.Add(await api.PutChunkAsync(upload.UploadId, chunk, bytes, sha256));
        });
        Log(clock, "all chunks acknowledged");

        Assert.NotNull(rejection);
        Assert.Equal("chunk_hash_mismatch", rejection.Code);
        Assert.Equal(422, rejection.Status);

        Assert.Equal(order.Order(), receipts.Select(r => r.ChunkNumber).Order());
        Assert.All(receipts, r => Assert.False(r.AlreadyStored));
        Assert.All(receipts, r => Assert.Equal(upload.TotalChunks, r.TotalChunks));

        // The chunk that stored the last bytes completed the upload before it was acknowledged; earlier ones were mid-upload.
        Assert.Contains(receipts, r => r.CompletedChunks == upload.TotalChunks);
        Assert.All(receipts, r => Assert.Equal(r.CompletedChunks == upload.TotalChunks ? "completed" : "uploading", r.Status));

        var status = await api.GetStatusAsync(upload.UploadId);
        Assert.Equal("completed", status.Status);
        Assert.Equal(upload.TotalChunks, status.CompletedChunks);
        Assert.Equal(file.Size, status.UploadedBytes);
        Assert.Empty(status.MissingChunks);
        Assert.Empty(status.FailedChunks);
        Assert.Equal(1, status.ChunkRetries);
        Assert.Equal(file.Sha256, status.FileHash);

        // Completing an upload that completed itself is idempotent: the same video each time.
        var video = await api.CompleteAsync(upload.UploadId);
        Assert.Equal(video, await api.CompleteAsync(upload.UploadId));
        Assert.Equal(upload.UploadId, video.Id);
        Assert.Equal(file.Size, video.Size);
        Assert.Equal(file.Sha256, video.FileHash);
        Assert.Equal("holiday.mp4", video.OriginalName);

        var (length, sha256) = await api.DownloadSha256Async(video.Id);
        Log(clock, "downloaded");
        Assert.Equal(file.Size, length);
        Assert.Equal(file.Sha256, sha256);
    }

    [Fact]
    public async Task Acknowledged_chunks_survive_a_kill_9_and_a_graceful_restart_and_the_upload_then_completes()
    {
        var clock = Stopwatch.StartNew();
        using var directory = new TempDirectory("uploads-e2e");
        var file = await RandomFile.CreateAsync(directory.Combine("source.bin"), (30L * MiB) + 12_345, seed: 30_2024);
        var chunkCount = file.ChunkCount(DefaultChunkSize);
        Assert.Equal(7, chunkCount);

        var order = Enumerable.Range(0, chunkCount).ToArray();
        new Random(23).Shuffle(order);
        var beforeCrash = order[..3];
        var cutOff = order[3];
        var afterCrash = order[4];
        var afterStop = order[5..];

        var ports = GatewayPorts.Allocate();
        var acknowledged = new ConcurrentDictionary<int, ChunkReply>();
        Guid uploadId;

        // 1. Half the file, then kill -9 while one more chunk is half-way over the wire.
        await using (var server = await GatewayServer.StartAsync(directory.Path, ports))
        {
            Log(clock, "first gateway healthy");
            var api = server.Api;
            var upload = await api.InitiateAsync("crash-test.mov", file.Size, file.Sha256);
            uploadId = upload.UploadId;
            Assert.Equal(chunkCount, upload.TotalChunks);

            await UploadChunksAsync(api, file, uploadId, beforeCrash, acknowledged);
            Assert.All(acknowledged.Values, r => Assert.Equal("uploading", r.Status));

            var bytes = await file.ReadChunkAsync(cutOff, DefaultChunkSize);
            var halfSent = new PausingContent(bytes, bytes.Length / 2);
            var inFlight = api.SendChunkAsync(uploadId, cutOff, halfSent, RandomFile.Sha256Of(bytes));
            await halfSent.Paused.WaitAsync(TimeSpan.FromSeconds(30));

            await server.Process.KillAsync();
            Assert.True(server.Process.HasExited);
            halfSent.Resume();
            await Assert.ThrowsAnyAsync<HttpRequestException>(async () => (await inFlight).Dispose());
            Log(clock, "killed mid-upload");
        }

        // 2. After the crash: every acknowledged chunk is still there, nothing else is; then one more chunk and a graceful stop.
        await using (var server = await GatewayServer.StartAsync(directory.Path, ports))
        {
            Log(clock, "gateway healthy after kill -9");
            var api = server.Api;
            var status = await api.GetStatusAsync(uploadId);
            AssertResumable(status, acknowledged.Keys, chunkCount);
            Assert.Contains(cutOff, status.MissingChunks);

            await UploadChunksAsync(api, file, uploadId, [cutOff, afterCrash], acknowledged);
            AssertResumable(await api.GetStatusAsync(uploadId), acknowledged.Keys, chunkCount);

            // StopAsync falls back to kill -9 after its timeout; finishing well before it means SIGTERM was honoured.
            var stopTimeout = TimeSpan.FromSeconds(20);
            var stopping = Stopwatch.StartNew();
            await server.Process.StopAsync(stopTimeout);
            Assert.True(server.Process.HasExited);
            Assert.True(stopping.Elapsed < stopTimeout, $"the gateway did not exit on SIGTERM within {stopTimeout}:\n{server.Process.Output}");
            Log(clock, "stopped gracefully (SIGTERM)");
        }

        // 3. After the graceful stop: resume with only the missing chunks; the last one completes the upload.
        await using (var server = await GatewayServer.StartAsync(directory.Path, ports))
        {
            Log(clock, "gateway healthy after SIGTERM");
            var api = server.Api;
            var status = await api.GetStatusAsync(uploadId);
            AssertResumable(status, acknowledged.Keys, chunkCount);
            Assert.Equal(afterStop.Order(), status.MissingChunks);

            await UploadChunksAsync(api, file, uploadId, status.MissingChunks, acknowledged);
            Assert.Equal(Enumerable.Range(0, chunkCount), acknowledged.Keys.Order());
            Assert.Contains(acknowledged.Values, r => r.Status == "completed" && r.CompletedChunks == chunkCount);

            status = await api.GetStatusAsync(uploadId);
            Assert.Equal("completed", status.Status);
            Assert.Empty(status.MissingChunks);
            Assert.Equal(file.Size, status.UploadedBytes);
            Assert.Equal(file.Sha256, status.FileHash);

            var video = await api.CompleteAsync(uploadId);
            Assert.Equal(uploadId, video.Id);
            Assert.Equal(file.Size, video.Size);
            Assert.Equal(file.Sha256, video.FileHash);

            var (length, sha256) = await api.DownloadSha256Async(video.Id);
            Log(clock, "downloaded");
            Assert.Equal(file.Size, length);
            Assert.Equal(file.Sha256, sha256);
        }
    }

    /// <summary>Up to <see cref="ClientParallelism"/> chunks at a time, each acknowledged with 200 and recorded.</summary>
    private static Task UploadChunksAsync(UploadsApiClient api, RandomFile file, Guid uploadId, IEnumerable<int> chunks, ConcurrentDictionary<int, ChunkReply> acknowledged) =>
        Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = ClientParallelism }, async (chunk, _) =>
        {
            var bytes = await file.ReadChunkAsync(chunk, DefaultChunkSize);
            var receipt = await api.PutChunkAsync(uploadId, chunk, bytes, RandomFile.Sha256Of(bytes));
            Assert.Equal(chunk, receipt.ChunkNumber);
            Assert.False(receipt.AlreadyStored);
            Assert.True(acknowledged.TryAdd(chunk, receipt), $"chunk {chunk} acknowledged twice");
        });

    /// <summary>Still open, and exactly the acknowledged chunks are stored: none lost, none invented.</summary>
    private static void AssertResumable(StatusReply status, ICollection<int> acknowledged, int chunkCount)
    {
        Assert.Equal("uploading", status.Status);
        Assert.Equal(chunkCount, status.TotalChunks);
        Assert.Empty(acknowledged.Intersect(status.MissingChunks));
        Assert.Equal(Enumerable.Range(0, chunkCount).Except(acknowledged).Order(), status.MissingChunks);
        Assert.Equal(acknowledged.Count, status.CompletedChunks);
    }

    private void Log(Stopwatch clock, string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1}s {what}");
}
