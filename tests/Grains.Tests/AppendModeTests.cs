using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Tests.Infrastructure;

namespace Orleans.Uploads.Grains.Tests;

/// <summary>Appends at an offset: how form posts (and tus) feed a session.</summary>
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

    [Fact]
    public async Task Appends_in_order_complete_a_known_length_upload()
    {
        var session = await StartAsync(_file.Bytes.Length);

        await session.AppendAsync(0, Slice(0, 100_000));
        var done = await session.AppendAsync(100_000, Slice(100_000, 50_000));

        Assert.Equal(UploadStatus.Completed, done.Value!.Status);
        Assert.Equal(_file.Sha256, done.Value.FileHash);
    }

    [Fact]
    public async Task An_append_at_the_wrong_offset_is_refused_with_the_stored_offset()
    {
        var session = await StartAsync(_file.Bytes.Length);
        await session.AppendAsync(0, Slice(0, 10_000));

        var gap = await session.AppendAsync(20_000, Slice(20_000, 10_000));
        var overlap = await session.AppendAsync(0, Slice(0, 10_000));

        Assert.Equal(UploadErrorCode.OffsetMismatch, gap.Code());
        Assert.Equal(10_000, gap.Error!.CurrentOffset);
        Assert.Equal(UploadErrorCode.OffsetMismatch, overlap.Code());
        Assert.Equal(10_000, (await session.SnapshotAsync()).UploadedBytes);
    }

    [Fact]
    public async Task A_deferred_length_is_declared_at_the_end_and_completes_the_upload()
    {
        var session = await StartAsync(null);
        await session.AppendAsync(0, Slice(0, 150_000));
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

        var past = await known.AppendAsync(0, Slice(0, 1001));
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
        Assert.Equal(UploadErrorCode.WrongUploadMode, (await chunkSession.AppendAsync(0, Slice(0, 10))).Code());
    }
}
