using System.Diagnostics;
using System.Net;
using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Harness;
using Xunit.Abstractions;

namespace Orleans.Uploads.Cluster.Tests.RealCluster;

/// <summary>
/// The cleanup grain on the real reminder service (ADO.NET reminders in PostgreSQL), ticking every second over the
/// sharded deadline index, in a cluster whose uploads expire after three idle seconds.
/// </summary>
[Collection(RealClusterCollection.Name)]
public sealed class CleanupTests(CleanupClusterFixture fixture, ITestOutputHelper output) : IClassFixture<CleanupClusterFixture>
{
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(60);
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    [Fact]
    public async Task Cleanup_expires_the_abandoned_upload_and_deletes_the_orphan_but_leaves_the_active_and_the_completed_upload_alone()
    {
        var (a, b) = (fixture.Gateway(0), fixture.Gateway(1));
        var temp = fixture.Cluster.TempDirectory;

        // Active: a tus upload of unknown length, fed a little between the steps below and in the wait, well inside
        // the timeout. Created first, so its first deadline comes due before the abandoned upload's.
        var active = new ActiveUpload(fixture.Tus(1), await fixture.Tus(1).CreateAsync("active.mp4"));
        await active.TouchAsync();

        // Completed: all chunks, through both gateways.
        var finished = new SeededFile((3 * RealClusterFixture.ChunkSize) + 100, seed: 5_001);
        var completed = await a.InitiateAsync("completed.mp4", finished.Size, finished.Sha256);
        ChunkReply? last = null;
        for (var chunk = 0; chunk < finished.ChunkCount; chunk++)
        {
            last = await fixture.Gateway(chunk % 2).PutChunkAsync(completed.UploadId, chunk, finished.Chunk(chunk), finished.ChunkSha256(chunk));
            await active.TouchIfDueAsync();
        }

        Assert.Equal("completed", last!.Status);
        var video = await a.CompleteAsync(completed.UploadId);
        await active.TouchIfDueAsync();

        // Abandoned: one chunk, then nothing.
        var abandonedFile = new SeededFile(4 * RealClusterFixture.ChunkSize, seed: 5_002);
        var abandonedName = $"abandoned-{Guid.NewGuid():N}.mp4";
        var abandoned = await a.InitiateAsync(abandonedName, abandonedFile.Size);
        await active.TouchIfDueAsync();
        await a.PutChunkAsync(abandoned.UploadId, 0, abandonedFile.Chunk(0), abandonedFile.ChunkSha256(0));
        await active.TouchIfDueAsync();
        var abandonedTemp = Path.Combine(temp, $"{abandoned.UploadId:N}.part");
        Assert.True(File.Exists(abandonedTemp));

        // Orphan: a temp file no session owns, last written an hour ago.
        var orphanTemp = Path.Combine(temp, $"{Guid.NewGuid():N}.part");
        await File.WriteAllBytesAsync(orphanTemp, new byte[12_345]);
        File.SetLastWriteTimeUtc(orphanTemp, DateTime.UtcNow.AddHours(-1));
        Log("active, completed, abandoned and orphaned uploads in place");

        // Watch only the files: asking the abandoned session anything would let it expire itself and prove nothing.
        await Eventually.WaitUntilAsync(
            async () =>
            {
                await active.TouchIfDueAsync();
                return active.Failure is not null || (!File.Exists(abandonedTemp) && !File.Exists(orphanTemp));
            },
            "the cleanup to remove the abandoned upload's and the orphan's temp files",
            CleanupTimeout);
        Log($"abandoned and orphaned temp files gone; the active upload was fed {active.Touches} times meanwhile");
        Assert.True(active.Failure is null, $"the active upload was refused: {active.Failure}");

        // The cleanup, not a request, expired the abandoned session: PostgreSQL says so before anyone has asked (the
        // session records its end before it deletes its temp file).
        Assert.Equal(UploadStatus.Expired, (await DurableState.ReadAsync(fixture.Cluster.Postgres.ConnectionString, abandonedName))?.Status);
        var expired = await b.GetStatusAsync(abandoned.UploadId);
        Assert.Equal("expired", expired.Status);
        Assert.Equal(1, expired.CompletedChunks);
        var refused = await b.TryPutChunkAsync(abandoned.UploadId, 1, abandonedFile.Chunk(1), abandonedFile.ChunkSha256(1));
        Assert.Equal(HttpStatusCode.Gone, refused.Status);
        Assert.Equal("upload_expired", refused.Code);

        // The active upload lost nothing and can finish.
        var stillActive = await a.GetStatusAsync(active.UploadId);
        Assert.Equal("uploading", stillActive.Status);
        Assert.Equal(active.Offset, stillActive.UploadedBytes);
        Assert.True(File.Exists(Path.Combine(temp, $"{active.UploadId:N}.part")));
        await active.FinishAsync();
        Assert.Equal("completed", (await a.GetStatusAsync(active.UploadId)).Status);
        Assert.Equal(active.Sha256, SeededFile.Sha256Of(await a.DownloadAsync(active.UploadId)));

        // The completed upload is untouched.
        Assert.Equal("completed", (await b.GetStatusAsync(completed.UploadId)).Status);
        Assert.True(File.Exists(Path.Combine(fixture.Cluster.FinalDirectory, video.Filename)));
        foreach (var gateway in fixture.Gateways)
        {
            Assert.Equal(finished.Sha256, SeededFile.Sha256Of(await gateway.DownloadAsync(video.Id)));
        }
    }

    private void Log(string message) => output.WriteLine($"{_clock.Elapsed.TotalSeconds,6:F1}s {message}");

    /// <summary>
    /// A tus upload of deferred length kept alive by small PATCHes at least twice a second; the first refusal is kept
    /// (a wait cannot throw it: it would only be retried).
    /// </summary>
    private sealed class ActiveUpload(TusApiClient gateway, Guid uploadId)
    {
        private const int PieceSize = 16 * 1024;
        private static readonly TimeSpan TouchInterval = TimeSpan.FromMilliseconds(500);
        private readonly byte[] _content = new SeededFile(1024 * 1024, seed: 5_003).Bytes;
        private readonly Stopwatch _sinceTouch = new();

        public Guid UploadId => uploadId;

        public long Offset { get; private set; }

        public int Touches { get; private set; }

        public string? Failure { get; private set; }

        public string Sha256 => SeededFile.Sha256Of(_content.AsSpan(0, (int)Offset));

        public Task TouchIfDueAsync() => Failure is null && _sinceTouch.Elapsed >= TouchInterval ? TouchAsync() : Task.CompletedTask;

        public async Task TouchAsync()
        {
            var (status, offset, body) = await gateway.PatchAsync(uploadId, Offset, _content.AsMemory((int)Offset, PieceSize));
            if (status != HttpStatusCode.NoContent || offset != Offset + PieceSize)
            {
                Failure = $"PATCH at {Offset}: {(int)status} (Upload-Offset {offset}) {body}";
                return;
            }

            Offset += PieceSize;
            Touches++;
            _sinceTouch.Restart();
        }

        /// <summary>The last piece with the length, which completes the upload.</summary>
        public async Task FinishAsync()
        {
            var (status, offset, body) = await gateway.PatchAsync(uploadId, Offset, _content.AsMemory((int)Offset, PieceSize), Offset + PieceSize);
            Assert.True(status == HttpStatusCode.NoContent, $"final PATCH: {(int)status} {body}");
            Offset += PieceSize;
            Assert.Equal(Offset, offset);
        }
    }
}
