using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Tests.Infrastructure;

namespace Orleans.Uploads.Grains.Tests;

/// <summary>Appends under a lease: how tus PATCHes and legacy form posts feed a session.</summary>
public sealed class AppendModeTests(UploadClusterFixture cluster) : IClassFixture<UploadClusterFixture>
{
    private readonly TestFile _file = new(150_000, seed: 5);

    private async Task<IUploadSessionGrain> StartAsync(long? size)
    {
        var session = cluster.Grains.GetGrain<IUploadSessionGrain>(Guid.NewGuid());
        Assert.True((await session.InitiateAsync(new InitiateUpload("clip.mov", size, Mode: UploadMode.Append))).IsSuccess);
        return session;
    }

    private ChunkPayload Slice(int start, int length) => new(_file.Bytes.AsMemory(start, length));

    private static async Task<Guid> LeaseAsync(IUploadSessionGrain session, long offset)
    {
        var lease = await session.BeginAppendAsync(offset);
        Assert.True(lease.IsSuccess, lease.Error?.Detail);
        return lease.Value!.Id;
    }

    [Fact]
    public async Task Committed_appends_in_order_complete_a_known_length_upload()
    {
        var session = await StartAsync(_file.Bytes.Length);
        var lease = await LeaseAsync(session, 0);

        var first = await session.AppendAsync(lease, Slice(0, 100_000), commit: true);
        var last = await session.AppendAsync(lease, Slice(100_000, 50_000), commit: true);

        Assert.Equal(100_000, first.Value!.DurableOffset);
        Assert.Equal(UploadStatus.Completed, last.Value!.Status);
        Assert.Equal(_file.Sha256, (await session.SnapshotAsync()).FileHash);
    }

    [Fact]
    public async Task A_lease_must_start_at_the_stored_length()
    {
        var session = await StartAsync(_file.Bytes.Length);
        var lease = await LeaseAsync(session, 0);
        await session.AppendAsync(lease, Slice(0, 10_000), commit: true);

        var gap = await session.BeginAppendAsync(20_000);
        var overlap = await session.BeginAppendAsync(0);

        Assert.Equal(UploadErrorCode.OffsetMismatch, gap.Code());
        Assert.Equal(10_000, gap.Error!.CurrentOffset);
        Assert.Equal(UploadErrorCode.OffsetMismatch, overlap.Code());
        Assert.Equal(10_000, (await session.SnapshotAsync()).UploadedBytes);
    }

    [Fact]
    public async Task A_new_lease_ends_the_old_one_so_a_vanished_writer_never_blocks_the_upload()
    {
        var session = await StartAsync(_file.Bytes.Length);
        var stale = await LeaseAsync(session, 0);
        await session.AppendAsync(stale, Slice(0, 10_000), commit: true);

        var fresh = await LeaseAsync(session, 10_000);
        var late = await session.AppendAsync(stale, Slice(10_000, 10_000), commit: true);
        var onward = await session.AppendAsync(fresh, Slice(10_000, 10_000), commit: true);

        Assert.Equal(UploadErrorCode.AppendSuperseded, late.Code());
        Assert.Equal(20_000, onward.Value!.DurableOffset);
    }

    [Fact]
    public async Task Uncommitted_bytes_count_only_once_committed_and_are_dropped_when_the_lease_ends()
    {
        var session = await StartAsync(_file.Bytes.Length);
        var lease = await LeaseAsync(session, 0);

        var staged = await session.AppendAsync(lease, Slice(0, 30_000), commit: false);
        Assert.Equal(0, staged.Value!.DurableOffset);
        Assert.Equal(30_000, staged.Value.Position);
        Assert.Equal(0, (await session.SnapshotAsync()).UploadedBytes);

        await session.EndAppendAsync(lease);
        Assert.Equal(0, (await session.SnapshotAsync()).UploadedBytes);

        var again = await LeaseAsync(session, 0);
        await session.AppendAsync(again, Slice(0, 30_000), commit: false);
        var committed = await session.CommitAppendAsync(again);
        Assert.Equal(30_000, committed.Value!.UploadedBytes);
    }

    [Fact]
    public async Task A_deferred_length_is_declared_at_the_end_and_completes_the_upload()
    {
        var session = await StartAsync(null);
        var lease = await LeaseAsync(session, 0);
        await session.AppendAsync(lease, Slice(0, 150_000), commit: true);
        Assert.Equal(UploadStatus.Uploading, (await session.SnapshotAsync()).Status);

        Assert.Equal(UploadErrorCode.LengthMismatch, (await session.DeclareLengthAsync(100)).Code());
        var declared = await session.DeclareLengthAsync(150_000);

        Assert.Equal(UploadStatus.Completed, declared.Value!.Status);
        Assert.Equal(_file.Sha256, declared.Value.FileHash);
    }

    [Fact]
    public async Task Bytes_past_the_declared_length_or_the_size_limit_are_refused()
    {
        var known = await StartAsync(1000);
        var unknown = await StartAsync(null);

        var past = await known.AppendAsync(await LeaseAsync(known, 0), Slice(0, 1001), commit: true);
        var huge = await unknown.DeclareLengthAsync(UploadClusterFixture.MaxFileSize + 1);

        Assert.Equal(UploadErrorCode.LengthMismatch, past.Code());
        Assert.Equal(UploadErrorCode.FileTooLarge, huge.Code());
    }

    [Fact]
    public async Task Numbered_chunks_and_appends_do_not_mix()
    {
        var appendSession = await StartAsync(_file.Bytes.Length);
        var chunkSession = await cluster.Grains.StartAsync(_file);

        Assert.Equal(UploadErrorCode.WrongUploadMode, (await appendSession.PutChunkAsync(0, _file.Chunk(0), null)).Code());
        Assert.Equal(UploadErrorCode.WrongUploadMode, (await chunkSession.BeginAppendAsync(0)).Code());
    }
}
