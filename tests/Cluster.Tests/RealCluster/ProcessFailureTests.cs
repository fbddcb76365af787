using System.Diagnostics;
using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Harness;
using Xunit.Abstractions;

namespace Orleans.Uploads.Cluster.Tests.RealCluster;

/// <summary>
/// Processes dying under an upload: a silo killed with kill -9 while chunks are in flight, the silo hosting a session
/// killed while it completes the upload, and every process of the cluster (PostgreSQL included) stopped and started
/// again. What was acknowledged must still be there, and the upload must finish. Each test leaves the cluster whole.
/// </summary>
[Collection(RealClusterCollection.Name)]
public sealed class ProcessFailureTests(UploadClusterFixture fixture, ITestOutputHelper output) : IClassFixture<UploadClusterFixture>
{
    private const int MiB = 1024 * 1024;
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(90);
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>
    /// The session's grain lives on one of the two silos, and nothing outside the cluster says which (it may even
    /// move when a silo joins or dies). So both are killed in turn: silo0, then, once it is back, silo1. Each kill
    /// comes as a stage of chunks is released, so chunks are on the wire when the silo dies; the log says which
    /// crashes the upload felt. The last stage (whose last chunk completes the upload) goes out once the cluster has
    /// settled after the second crash.
    /// </summary>
    [Fact]
    public async Task Killing_each_silo_in_turn_mid_upload_loses_no_acknowledged_chunk_and_the_upload_completes()
    {
        ResilientUploader? uploader = null;
        await fixture.RestoreAsync();
        try
        {
            // 512 KiB chunks: each takes long enough that a stage is still going when the kill lands.
            const int chunkSize = 512 * 1024;
            var file = new SeededFile((12 * MiB) - 777, seed: 2_001, chunkSize);
            var upload = await fixture.Gateway(0).InitiateAsync("silo-crash.mp4", file.Size, file.Sha256, chunkSize);
            uploader = new ResilientUploader(fixture.Gateways, file, upload.UploadId);
            var running = uploader.RunAsync();
            uploader.Release(6);
            await Waits.UntilAsync(running, uploader.WhenAcknowledgedAsync(6), "the first stage to be acknowledged");
            Log("stage 1: 6 chunks acknowledged");

            await CrashMidStageAsync(uploader, running, upload.UploadId, silo: 0, releaseUpTo: 14);
            await Waits.UntilAsync(running, uploader.WhenAcknowledgedAsync(14), "the second stage to be acknowledged", RecoveryTimeout);
            await RestartSiloAsync(0);

            await CrashMidStageAsync(uploader, running, upload.UploadId, silo: 1, releaseUpTo: 20);
            await Waits.UntilAsync(running, uploader.WhenAcknowledgedAsync(20), "the third stage to be acknowledged", RecoveryTimeout);

            // Completing calls other grains (the video's); while the cluster still counts the dead silo as alive they
            // can be placed there, the completion fails, and nothing completes the upload afterwards: the product bug
            // Killing_the_sessions_silo_while_it_completes_the_upload_still_ends_with_the_video pins down.
            await fixture.WaitForActiveSilosAsync(1);
            uploader.ReleaseAll();
            await running;
            Log("all chunks acknowledged");

            Assert.Equal(file.ChunkCount, uploader.AcknowledgedChunks.Count + uploader.StoredWithoutAck.Count);
            var status = await fixture.Gateway(0).GetStatusAsync(upload.UploadId);
            Assert.True(status.Status == "completed", $"every chunk was acknowledged, but the upload is {status}");
            Assert.Equal(file.Size, status.UploadedBytes);
            Assert.Equal(file.Sha256, status.FileHash);
            foreach (var gateway in fixture.Gateways)
            {
                Assert.Equal(file.Sha256, SeededFile.Sha256Of(await gateway.DownloadAsync(upload.UploadId)));
            }
        }
        finally
        {
            if (uploader is not null)
            {
                Log($"{uploader.Failures.Count} transient failure(s):\n  {string.Join("\n  ", uploader.Failures)}");
            }

            await fixture.RestoreQuietlyAsync(output);
        }
    }

    /// <summary>
    /// The upload completes inside the request that stores its last chunk: the file is hashed and promoted and its video
    /// record written before that chunk is acknowledged. Here the silo hosting the session is killed in the middle of
    /// that, after PostgreSQL already records every chunk as stored; the client never hears back and sends the last
    /// chunk again. Every chunk is stored, so the upload must still complete by itself ("when the last chunk is stored
    /// the upload completes by itself"), without the client having to know it should call /complete.
    /// The kill does not race the completion: a <see cref="VideoRecordHold"/> stops the completion at its video record
    /// write, and the silo is killed once PostgreSQL shows that write waiting; the held write is ended with its silo.
    /// </summary>
    [Fact]
    public async Task Killing_the_sessions_silo_while_it_completes_the_upload_still_ends_with_the_video()
    {
        ResilientUploader? resender = null;
        await fixture.RestoreAsync();
        try
        {
            var file = new SeededFile((4 * RealClusterFixture.ChunkSize) + 4_321, seed: 2_003);
            var filename = $"crash-in-completion-{Guid.NewGuid():N}.mp4";
            var connectionString = fixture.Cluster.Postgres.ConnectionString;
            var upload = await fixture.Gateway(0).InitiateAsync(filename, file.Size, file.Sha256);
            var host = HostOf(upload.UploadId);
            var last = file.ChunkCount - 1;
            for (var chunk = 0; chunk < last; chunk++)
            {
                await fixture.Gateway(chunk % 2).PutChunkAsync(upload.UploadId, chunk, file.Chunk(chunk), file.ChunkSha256(chunk));
            }

            await using var hold = await VideoRecordHold.TakeAsync(connectionString, filename);
            resender = new ResilientUploader(fixture.Gateways, file, upload.UploadId, chunks: [last], parallelism: 1);
            resender.ReleaseAll();
            var running = resender.RunAsync();
            var held = Eventually.WaitForAsync(
                async () => await hold.IsHoldingAWriteAsync() ? await DurableState.ReadAsync(connectionString, filename) : null,
                "the completion to reach the video record and wait there",
                RecoveryTimeout);
            await Waits.UntilAsync(running, held, "the completion to reach the video record and wait there", RecoveryTimeout);
            var recorded = await held;

            await fixture.Cluster.Silos[host]!.Process.KillAsync();
            var atKill = await DurableState.ReadAsync(connectionString, filename);
            Log($"silo{host}, the session's host, killed with the completion held at its video record; PostgreSQL recorded {recorded}, after the kill {atKill}");
            Assert.True(
                recorded == new DurableState.Session(UploadStatus.Uploading, file.ChunkCount) && atKill == recorded,
                $"the kill did not land between every chunk being recorded and the completion being recorded: {recorded}, then {atKill}");
            var ended = await hold.ReleaseAsync();
            Log($"hold released; {ended} held write(s) ended with the silo");

            await running;
            var resent = Assert.Single(resender.Acks);
            Log($"the last chunk, sent again, was acknowledged on attempt {resent.Attempts}: status {resent.Status}, alreadyStored {resent.AlreadyStored}");

            var completed = await Eventually.WaitForAsync<StatusReply>(
                async () => await fixture.Gateway(0).GetStatusAsync(upload.UploadId) is { Status: "completed" } status ? status : null,
                "the fully stored upload to complete by itself",
                TimeSpan.FromSeconds(15));
            Assert.Equal(file.Sha256, completed.FileHash);
            Assert.Equal(file.Sha256, SeededFile.Sha256Of(await fixture.Gateway(1).DownloadAsync(upload.UploadId)));
        }
        finally
        {
            if (resender is not null)
            {
                Log($"{resender.Failures.Count} transient failure(s):\n  {string.Join("\n  ", resender.Failures)}");
            }

            await fixture.RestoreQuietlyAsync(output);
        }
    }

    [Fact]
    public async Task Stopping_and_restarting_every_process_mid_upload_keeps_the_acknowledged_chunks_and_the_upload_finishes()
    {
        await fixture.RestoreAsync();
        try
        {
            var file = new SeededFile((4 * MiB) + 1_000, seed: 2_002);
            var upload = await fixture.Gateway(0).InitiateAsync("full-restart.mp4", file.Size, file.Sha256);
            var sent = file.ChunkCount / 2;
            for (var chunk = 0; chunk < sent; chunk++)
            {
                await fixture.Gateway(chunk % 2).PutChunkAsync(upload.UploadId, chunk, file.Chunk(chunk), file.ChunkSha256(chunk));
            }

            var before = await fixture.Gateway(1).GetStatusAsync(upload.UploadId);
            Assert.Equal("uploading", before.Status);
            Assert.Equal(sent, before.CompletedChunks);

            Log($"{sent} chunks acknowledged; stopping every process");
            await fixture.Cluster.StopAllAsync();
            Assert.All(fixture.Cluster.Silos, silo => Assert.True(silo!.Process.HasExited));
            Assert.All(fixture.Cluster.Gateways, gateway => Assert.True(gateway!.Process.HasExited));
            Log("every process stopped, PostgreSQL included");
            await fixture.Cluster.StartAllAsync();
            Log("every process started again");

            // Every gateway, straight after the restart, tells the truth: the acknowledged chunks, and only those.
            foreach (var gateway in fixture.Gateways)
            {
                var after = await gateway.GetStatusAsync(upload.UploadId);
                Assert.Equal("uploading", after.Status);
                Assert.Equal(sent, after.CompletedChunks);
                Assert.Equal((long)sent * RealClusterFixture.ChunkSize, after.UploadedBytes);
                Assert.Equal(Enumerable.Range(sent, file.ChunkCount - sent), after.MissingChunks);
                Assert.Equal(before.LastActivityAt, after.LastActivityAt);
            }

            ChunkReply? last = null;
            for (var chunk = sent; chunk < file.ChunkCount; chunk++)
            {
                last = await fixture.Gateway(chunk % 2).PutChunkAsync(upload.UploadId, chunk, file.Chunk(chunk), file.ChunkSha256(chunk));
                Assert.False(last.AlreadyStored);
            }

            Assert.Equal("completed", last!.Status);
            var status = await fixture.Gateway(0).GetStatusAsync(upload.UploadId);
            Assert.Equal(file.Sha256, status.FileHash);
            Assert.Equal(file.Sha256, SeededFile.Sha256Of(await fixture.Gateway(1).DownloadAsync(upload.UploadId)));
        }
        finally
        {
            await fixture.RestoreQuietlyAsync(output);
        }
    }

    /// <summary>
    /// Lets the next stage go and at once kills <paramref name="silo"/> with kill -9; waits for a chunk sent after the
    /// kill to be acknowledged, and checks right then that no chunk acknowledged before the kill is missing.
    /// </summary>
    private async Task CrashMidStageAsync(ResilientUploader uploader, Task running, Guid uploadId, int silo, int releaseUpTo)
    {
        uploader.Release(releaseUpTo);
        await fixture.Cluster.Silos[silo]!.Process.KillAsync();
        var killedAt = Stopwatch.GetTimestamp();
        var onTheWire = uploader.InFlight;
        var acknowledged = uploader.AcknowledgedChunks;
        var failuresBefore = uploader.Failures.Count;
        Log($"silo{silo} killed with {acknowledged.Count} chunk(s) acknowledged, on the wire: {string.Join("; ", onTheWire)}");
        // One more chunk, released only now, so that something is surely sent to the damaged cluster: every chunk of the
        // stage may have been acknowledged or already on the wire when the kill landed (seen: the last one in flight,
        // then acknowledged, and nothing left to send after the kill).
        uploader.Release(releaseUpTo + 1);

        await Waits.UntilAsync(
            running, () => uploader.Acks.Any(ack => ack.SentAt > killedAt), $"a chunk sent after silo{silo} was killed to be acknowledged", RecoveryTimeout);
        var recovered = uploader.Acks.First(ack => ack.SentAt > killedAt);
        Log($"recovered {Stopwatch.GetElapsedTime(killedAt).TotalSeconds:F1}s after the kill: chunk {recovered.Chunk} through {recovered.Gateway} "
            + $"on attempt {recovered.Attempts}; {uploader.Failures.Count - failuresBefore} transient failure(s) meanwhile");

        var status = await fixture.Gateway(recovered.Gateway == "gateway0" ? 0 : 1).GetStatusAsync(uploadId);
        Assert.Equal("uploading", status.Status);
        var lost = acknowledged.Intersect(status.MissingChunks).Order().ToArray();
        Assert.True(lost.Length == 0, $"chunks acknowledged before silo{silo} was killed are missing after it: {string.Join(", ", lost)}");
        Assert.True(status.CompletedChunks >= acknowledged.Count, $"{status.CompletedChunks} chunks stored, {acknowledged.Count} were acknowledged before the kill");
    }

    private async Task RestartSiloAsync(int silo)
    {
        var dead = fixture.Cluster.Silos[silo]!;
        await fixture.Cluster.StartSiloAsync(silo);
        await dead.DisposeAsync();
        await fixture.WaitForWholeClusterAsync();
        Log($"silo{silo} restarted, started and active");
    }

    /// <summary>The silo whose session grain logged the upload's initiation: the one hosting it, as long as it was not moved.</summary>
    private int HostOf(Guid uploadId)
    {
        var hosts = fixture.Cluster.Silos
            .Select((silo, index) => (silo, index))
            .Where(entry => entry.silo!.Process.Output.Contains($"Upload session {uploadId} initiated", StringComparison.Ordinal))
            .Select(entry => entry.index)
            .ToArray();
        return Assert.Single(hosts);
    }

    private void Log(string message) => output.WriteLine($"{_clock.Elapsed.TotalSeconds,6:F1}s {message}");
}
