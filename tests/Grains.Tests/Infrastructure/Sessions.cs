using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Grains.Tests.Infrastructure;

public static class Sessions
{
    /// <summary>Starts a chunked upload of <paramref name="file"/> on a fresh upload id.</summary>
    public static async Task<IUploadSessionGrain> StartAsync(this IGrainFactory grains, TestFile file, string filename = "clip.mp4", string? fileHash = null, string? projectId = null)
    {
        var session = grains.GetGrain<IUploadSessionGrain>(Guid.NewGuid());
        var started = await session.InitiateAsync(new InitiateUpload(filename, file.Bytes.Length, projectId, file.Layout.ChunkSize, fileHash));
        Assert.True(started.IsSuccess, started.Error?.Detail);
        return session;
    }

    public static async Task<ChunkReceipt> PutAsync(this IUploadSessionGrain session, TestFile file, int chunk)
    {
        var result = await session.PutChunkAsync(chunk, file.Chunk(chunk), file.ChunkSha256(chunk));
        Assert.True(result.IsSuccess, result.Error?.Detail);
        return result.Value!;
    }

    public static async Task<UploadSnapshot> SnapshotAsync(this IUploadSessionGrain session)
    {
        var result = await session.GetAsync();
        Assert.True(result.IsSuccess, result.Error?.Detail);
        return result.Value!;
    }

    public static UploadErrorCode? Code<T>(this UploadResult<T> result) => result.Error?.Code;
}
