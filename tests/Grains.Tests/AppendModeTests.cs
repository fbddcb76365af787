using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Tests.Infrastructure;

namespace Orleans.Uploads.Grains.Tests;

/// <summary>Appends under a lease: how tus PATCHes and legacy form posts feed a session.</summary>
public sealed class AppendModeTests(UploadClusterFixture cluster) : IClassFixture<UploadClusterFixture>
{
    private readonly TestFile _file = new(150_000, seed: 5);

    private async Task<SessionUnderTest> StartAsync(long? size)
    {
        var session = cluster.Grains.Session(Guid.NewGuid());
        Assert.True((await session.InitiateAsync(new InitiateUpload("clip.mov", size, Mode: UploadMode.Append))).IsSuccess);
        return session;
    }

    private ChunkPayload Slice(int start, int length) => new(_file.Bytes.AsMemory(start, length));

    [Fact]
    public async Task Committed_appends_in_order_complete_a_known_length_upload()
    {
        var session = await StartAsync(_file.Bytes.Length);
        var lease = await session.LeaseAsync(0);

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
        var lease = await session.LeaseAsync(0);
        await session.AppendAsync(lease, Slice(0, 10_000), commit: true);

        var gap = await session.OpenAsync(Guid.NewGuid(), 20_000);
        var overlap = await session.OpenAsync(Guid.NewGuid(), 0);

        Assert.Equal(UploadErrorCode.OffsetMismatch, gap.Code());
        Assert.Equal(10_000, gap.Error!.CurrentOffset);
        Assert.Equal(UploadErrorCode.OffsetMismatch, overlap.Code());
        Assert.Equal(10_000, (await session.SnapshotAsync()).UploadedBytes);
    }

    [Fact]
    public async Task A_new_lease_ends_the_old_one_so_a_vanished_writer_never_blocks_the_upload()
    {
        var session = await StartAsync(_file.Bytes.Length);
        var stale = await session.LeaseAsync(0);
        await session.AppendAsync(stale, Slice(0, 10_000), commit: true);

        var fresh = await session.LeaseAsync(10_000);
        var late = await session.AppendAsync(stale, Slice(10_000, 10_000), commit: true);
        var onward = await session.AppendAsync(fresh, Slice(10_000, 10_000), commit: true);

        Assert.Equal(UploadErrorCode.AppendSuperseded, late.Code());
        Assert.Equal(20_000, onward.Value!.DurableOffset);
    }

    [Fact]
    public async Task Uncommitted_bytes_count_only_once_committed_and_are_dropped_when_the_lease_ends()
    {
        var session = await StartAsync(_file.Bytes.Length);
        var lease = await session.LeaseAsync(0);

        var staged = await session.AppendAsync(lease, Slice(0, 30_000), commit: false);
        Assert.Equal(0, staged.Value!.DurableOffset);
        Assert.Equal(30_000, staged.Value.Position);
        Assert.Equal(0, (await session.SnapshotAsync()).UploadedBytes);

        var ended = await session.AppendAsync(lease, new ChunkPayload(ReadOnlyMemory<byte>.Empty), commit: false, last: true);
        Assert.Equal(0, ended.Value!.Position);
        Assert.Equal(0, (await session.SnapshotAsync()).UploadedBytes);
        Assert.Equal(UploadErrorCode.AppendSuperseded, (await session.AppendAsync(lease, Slice(30_000, 10), commit: true)).Code());

        var again = await session.LeaseAsync(0);
        await session.AppendAsync(again, Slice(0, 30_000), commit: false);
        var committed = await session.AppendAsync(again, Slice(30_000, 10_000), commit: true, last: true);
        Assert.Equal(40_000, committed.Value!.DurableOffset);
        Assert.Equal(40_000, (await session.SnapshotAsync()).UploadedBytes);
    }

    [Fact]
    public async Task Bytes_a_superseded_lease_wrote_uncommitted_leave_no_trace_in_the_file_hash()
    {
        // The running hash takes every piece in as it is written, committed or not; the other bytes written at 50,000
        // here are dropped with their lease, and the hash must drop them too.
        var session = await StartAsync(_file.Bytes.Length);
        var first = await session.LeaseAsync(0);
        await session.AppendAsync(first, Slice(0, 50_000), commit: true);
        await session.AppendAsync(first, new ChunkPayload(new byte[30_000]), commit: false);

        var second = await session.LeaseAsync(50_000);
        var done = await session.AppendAsync(second, Slice(50_000, 100_000), commit: true, last: true);

        Assert.Equal(UploadStatus.Completed, done.Value!.Status);
        Assert.Equal(_file.Sha256, (await session.SnapshotAsync()).FileHash);
    }

    [Fact]
    public async Task A_deferred_length_is_declared_at_the_end_and_completes_the_upload()
    {
        var session = await StartAsync(null);
        var lease = await session.LeaseAsync(0);
        await session.AppendAsync(lease, Slice(0, 150_000), commit: true);
        Assert.Equal(UploadStatus.Uploading, (await session.SnapshotAsync()).Status);

        Assert.Equal(UploadErrorCode.LengthConflict, (await session.DeclareLengthAsync(100)).Code());
        var declared = await session.DeclareLengthAsync(150_000);

        Assert.Equal(UploadStatus.Completed, declared.Value!.Status);
        Assert.Equal(_file.Sha256, declared.Value.FileHash);
    }

    [Fact]
    public async Task Bytes_past_the_declared_length_or_the_size_limit_are_refused()
    {
        var known = await StartAsync(1000);
        var unknown = await StartAsync(null);

        var past = await known.AppendAsync(await known.LeaseAsync(0), Slice(0, 1001), commit: true);
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
        Assert.Equal(UploadErrorCode.WrongUploadMode, (await chunkSession.OpenAsync(Guid.NewGuid(), 0)).Code());
    }

    [Fact]
    public async Task A_request_is_one_call_per_piece_the_first_opens_the_lease_the_last_ends_it()
    {
        var session = await StartAsync(_file.Bytes.Length);
        var request = Guid.NewGuid();

        var first = await session.Appends.AppendAsync(new AppendPiece { Lease = request, Offset = 0, BodyLength = 100_000, Commit = true }, Slice(0, 60_000));
        var last = await session.Appends.AppendAsync(new AppendPiece { Lease = request, Commit = true, Last = true }, Slice(60_000, 40_000));
        var afterEnd = await session.AppendAsync(request, Slice(100_000, 10), commit: true);

        Assert.Equal(60_000, first.Value!.DurableOffset);
        Assert.Equal(new AppendProgress(100_000, 100_000, UploadStatus.Uploading, (await session.SnapshotAsync()).ExpiresAt), last.Value);
        Assert.Equal(UploadErrorCode.AppendSuperseded, afterEnd.Code());
    }

    [Fact]
    public async Task A_body_that_would_overrun_the_length_is_refused_before_any_byte_is_stored()
    {
        var session = await StartAsync(1000);

        var refused = await session.Appends.AppendAsync(new AppendPiece { Lease = Guid.NewGuid(), Offset = 0, BodyLength = 1001, Commit = true }, Slice(0, 500));

        Assert.Equal(UploadErrorCode.LengthMismatch, refused.Code());
        Assert.Equal(0, (await session.SnapshotAsync()).UploadedBytes);
    }

    [Fact]
    public async Task A_length_declared_with_a_request_is_set_before_its_bytes_and_may_complete_the_upload_alone()
    {
        var withBytes = await StartAsync(null);
        var lengthOnly = await StartAsync(null);
        var lease = await lengthOnly.LeaseAsync(0);
        await lengthOnly.AppendAsync(lease, Slice(0, 150_000), commit: true);

        var tooShort = await withBytes.Appends.AppendAsync(new AppendPiece { Lease = Guid.NewGuid(), Offset = 0, BodyLength = 150_000, DeclaredLength = 100_000, Commit = true }, Slice(0, 100));
        var done = await lengthOnly.Appends.AppendAsync(
            new AppendPiece { Lease = Guid.NewGuid(), Offset = 150_000, DeclaredLength = 150_000, Commit = true, Last = true }, new ChunkPayload(ReadOnlyMemory<byte>.Empty));

        Assert.Equal(UploadErrorCode.LengthMismatch, tooShort.Code());
        Assert.Equal(100_000, (await withBytes.SnapshotAsync()).TotalSize);
        Assert.Equal(UploadStatus.Completed, done.Value!.Status);
        Assert.Equal(_file.Sha256, (await lengthOnly.SnapshotAsync()).FileHash);
    }

    [Fact]
    public async Task Resuming_ends_whichever_lease_is_open_and_drops_its_uncommitted_bytes()
    {
        var session = await StartAsync(_file.Bytes.Length);
        var lease = await session.LeaseAsync(0);
        await session.AppendAsync(lease, Slice(0, 20_000), commit: true);
        await session.AppendAsync(lease, Slice(20_000, 20_000), commit: false);

        var resumed = await session.Appends.ResumeAsync();
        var stale = await session.AppendAsync(lease, Slice(20_000, 10), commit: true);

        Assert.Equal(20_000, resumed.Value!.UploadedBytes);
        Assert.Equal(UploadErrorCode.AppendSuperseded, stale.Code());
    }
}
