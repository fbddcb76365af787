using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Videos;

namespace Orleans.Uploads.Grains.Tests.Infrastructure;

/// <summary>
/// One upload's grain as a test holds it: a reference per capability interface, and short forms of the calls the
/// tests make most, so a test reads as the client's steps rather than as interface bookkeeping.
/// </summary>
public sealed record SessionUnderTest(IGrainFactory Grains, Guid Id)
{
    public IUploadSessionGrain Life => Grains.GetGrain<IUploadSessionGrain>(Id);

    public IChunkUploadGrain Chunks => Grains.GetGrain<IChunkUploadGrain>(Id);

    public IAppendUploadGrain Appends => Grains.GetGrain<IAppendUploadGrain>(Id);

    public IUploadCompletionGrain Completion => Grains.GetGrain<IUploadCompletionGrain>(Id);

    public IUploadPartGrain Part => Grains.GetGrain<IUploadPartGrain>(Id);

    public IUploadSweepGrain Sweep => Grains.GetGrain<IUploadSweepGrain>(Id);

    public Guid GetPrimaryKey() => Id;

    public Task<UploadResult<UploadSnapshot>> InitiateAsync(InitiateUpload request) => Life.InitiateAsync(request);

    public Task<UploadResult<UploadSnapshot>> GetAsync() => Life.GetAsync();

    public Task<UploadResult<UploadSnapshot>> CancelAsync() => Life.CancelAsync();

    public Task<UploadResult<ChunkReceipt>> PutChunkAsync(int chunkNumber, ChunkPayload payload, string? sha256Hex) =>
        Chunks.PutChunkAsync(chunkNumber, payload, sha256Hex);

    public Task<UploadResult<VideoRecord>> CompleteAsync() => Completion.CompleteAsync();

    /// <summary>A request's first piece, carrying no bytes: opens <paramref name="lease"/> at <paramref name="offset"/>.</summary>
    public Task<UploadResult<AppendProgress>> OpenAsync(Guid lease, long offset) =>
        Appends.AppendAsync(new AppendPiece { Lease = lease, Offset = offset }, new ChunkPayload(ReadOnlyMemory<byte>.Empty));

    /// <summary>A later piece of the request that holds <paramref name="lease"/>.</summary>
    public Task<UploadResult<AppendProgress>> AppendAsync(Guid lease, ChunkPayload payload, bool commit, bool last = false) =>
        Appends.AppendAsync(new AppendPiece { Lease = lease, Commit = commit, Last = last }, payload);

    public Task<UploadResult<UploadSnapshot>> DeclareLengthAsync(long totalSize) => Appends.DeclareLengthAsync(totalSize);
}

public static class Sessions
{
    public static SessionUnderTest Session(this IGrainFactory grains, Guid uploadId) => new(grains, uploadId);

    /// <summary>Starts a chunked upload of <paramref name="file"/> on a fresh upload id.</summary>
    public static async Task<SessionUnderTest> StartAsync(this IGrainFactory grains, TestFile file, string filename = "clip.mp4", string? fileHash = null, string? projectId = null)
    {
        var session = grains.Session(Guid.NewGuid());
        var started = await session.InitiateAsync(new InitiateUpload(filename, file.Bytes.Length, projectId, file.Layout.ChunkSize, fileHash));
        Assert.True(started.IsSuccess, started.Error?.Detail);
        return session;
    }

    /// <summary>Opens a lease at <paramref name="offset"/> on a fresh lease id, which it returns.</summary>
    public static async Task<Guid> LeaseAsync(this SessionUnderTest session, long offset)
    {
        var lease = Guid.NewGuid();
        var opened = await session.OpenAsync(lease, offset);
        Assert.True(opened.IsSuccess, opened.Error?.Detail);
        return lease;
    }

    public static async Task<ChunkReceipt> PutAsync(this SessionUnderTest session, TestFile file, int chunk)
    {
        var result = await session.PutChunkAsync(chunk, file.Chunk(chunk), file.ChunkSha256(chunk));
        Assert.True(result.IsSuccess, result.Error?.Detail);
        return result.Value!;
    }

    public static async Task<UploadSnapshot> SnapshotAsync(this SessionUnderTest session)
    {
        var result = await session.GetAsync();
        Assert.True(result.IsSuccess, result.Error?.Detail);
        return result.Value!;
    }

    public static UploadErrorCode? Code<T>(this UploadResult<T> result) => result.Error?.Code;
}
