using Orleans.Runtime;
using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Tests.Infrastructure;

namespace Orleans.Uploads.Grains.Tests;

/// <summary>The session grain is reentrant: chunk writes overlap, yet its state stays whole.</summary>
public sealed class ConcurrencyTests(UploadClusterFixture cluster) : IClassFixture<UploadClusterFixture>
{
    private readonly TestFile _file = new(400_000, seed: 3);

    [Fact]
    public async Task Three_chunks_of_one_session_are_written_at_the_same_time()
    {
        var session = await cluster.Grains.StartAsync(_file);
        var gate = ObservedUploadStore.GateWrites(session.GetPrimaryKey());

        var puts = new[] { 0, 1, 2 }.Select(chunk => session.PutAsync(_file, chunk)).ToArray();

        // Times out (and fails) if the grain serialized the writes: only one would ever be inside.
        await gate.WaitForInsideAsync(3);
        gate.Open();
        await Task.WhenAll(puts);
        Assert.Equal(3, gate.MaxInside);
        Assert.Equal(new[] { 3, 4, 5, 6 }, (await session.SnapshotAsync()).MissingChunks);
    }

    [Fact]
    public async Task A_chunk_beyond_the_concurrency_limit_is_refused_while_the_others_run()
    {
        var session = await cluster.Grains.StartAsync(_file);
        var gate = ObservedUploadStore.GateWrites(session.GetPrimaryKey());
        var puts = new[] { 0, 1, 2 }.Select(chunk => session.PutAsync(_file, chunk)).ToArray();
        await gate.WaitForInsideAsync(3);

        var fourth = await session.PutChunkAsync(3, _file.Chunk(3), null);

        gate.Open();
        await Task.WhenAll(puts);
        Assert.Equal(UploadErrorCode.TooManyConcurrentChunks, fourth.Code());
        Assert.True((await session.PutChunkAsync(3, _file.Chunk(3), null)).IsSuccess);
    }

    [Fact]
    public async Task The_same_chunk_sent_twice_at_once_is_written_once()
    {
        var session = await cluster.Grains.StartAsync(_file);
        var gate = ObservedUploadStore.GateWrites(session.GetPrimaryKey());
        var first = session.PutAsync(_file, 5);
        await gate.WaitForInsideAsync(1);

        var second = session.PutAsync(_file, 5);
        gate.Open();
        var receipts = await Task.WhenAll(first, second);

        Assert.Equal(1, gate.Entered);
        Assert.Equal(new[] { false, true }, receipts.Select(r => r.AlreadyStored));
    }

    [Fact]
    public async Task Concurrent_chunks_all_reach_storage_and_survive_reactivation()
    {
        var session = await cluster.Grains.StartAsync(_file);

        // Three at a time, as a client with MaxConcurrentChunks = 3 sends them.
        foreach (var batch in Enumerable.Range(0, _file.Layout.TotalChunks).Chunk(3))
        {
            await Task.WhenAll(batch.Select(chunk => session.PutAsync(_file, chunk)));
        }

        // Drop every activation: the next call reads the session back from storage.
        await cluster.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var snapshot = await session.SnapshotAsync();
        Assert.Equal(UploadStatus.Completed, snapshot.Status);
        Assert.Equal(_file.Layout.TotalChunks, snapshot.CompletedChunks);
        Assert.Equal(_file.Sha256, snapshot.FileHash);
    }
}
