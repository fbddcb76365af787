using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Tests.Infrastructure;

namespace Orleans.Uploads.Grains.Tests;

/// <summary>
/// The service's core promise: nothing is acknowledged before its record is durable. The session's state write is
/// held inside the storage; the acknowledgement must wait for it, and a write that fails must fail the request
/// rather than leave the client believing bytes are safe that the session will not remember.
/// </summary>
public sealed class AcknowledgementTests(UploadClusterFixture cluster) : IClassFixture<UploadClusterFixture>
{
    private readonly TestFile _file = new(200_000, seed: 21);

    [Fact]
    public async Task A_chunk_is_acknowledged_only_once_its_state_write_is_durable()
    {
        var session = await cluster.Grains.StartAsync(_file);

        await AssertAcknowledgedOnlyWhenDurableAsync(session, chunk => session.PutChunkAsync(chunk, _file.Chunk(chunk), null));

        var snapshot = await session.SnapshotAsync();
        Assert.Contains(0, snapshot.MissingChunks);
        Assert.DoesNotContain(1, snapshot.MissingChunks);
    }

    [Fact]
    public async Task An_append_is_acknowledged_only_once_its_state_write_is_durable()
    {
        var session = cluster.Grains.Session(Guid.NewGuid());
        Assert.True((await session.InitiateAsync(new InitiateUpload("clip.mov", _file.Bytes.Length, Mode: UploadMode.Append))).IsSuccess);

        await AssertAcknowledgedOnlyWhenDurableAsync(session, _ => session.Appends.AppendAsync(
            new AppendPiece { Lease = Guid.NewGuid(), Offset = 0, Commit = true, Last = true }, new ChunkPayload(_file.Bytes.AsMemory(0, 50_000))));

        Assert.Equal(50_000, (await session.SnapshotAsync()).UploadedBytes);
    }

    /// <summary>
    /// Sends once with the state write failing (no acknowledgement may come back), then once with it held and let
    /// through (the acknowledgement comes only after). <paramref name="send"/> gets 0, then 1.
    /// </summary>
    private static async Task AssertAcknowledgedOnlyWhenDurableAsync<T>(SessionUnderTest session, Func<int, Task<UploadResult<T>>> send)
    {
        var grain = session.Life.GetGrainId();
        try
        {
            var failing = HeldStateStorage.HoldWrites(grain);
            var lost = send(0);
            await failing.Entered;
            Assert.False(lost.IsCompleted, "acknowledged while its state write was still open");
            failing.Fail(new IOException("the state storage is unreachable"));
            await Assert.ThrowsAnyAsync<Exception>(() => lost);
            HeldStateStorage.Release(grain);

            var held = HeldStateStorage.HoldWrites(grain);
            var kept = send(1);
            await held.Entered;
            Assert.False(kept.IsCompleted, "acknowledged while its state write was still open");
            HeldStateStorage.Release(grain);
            var acknowledged = await kept;
            Assert.True(acknowledged.IsSuccess, acknowledged.Error?.Detail);
        }
        finally
        {
            HeldStateStorage.Release(grain);
        }
    }
}
