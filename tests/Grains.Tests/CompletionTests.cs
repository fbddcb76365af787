using System.Security.Cryptography;
using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Tests.Infrastructure;
using Orleans.Uploads.Grains.Videos;

namespace Orleans.Uploads.Grains.Tests;

public sealed class CompletionTests(UploadClusterFixture cluster) : IClassFixture<UploadClusterFixture>
{
    private readonly TestFile _file = new(300_000, seed: 7);

    [Fact]
    public async Task Storing_the_last_chunk_completes_the_upload_into_a_video()
    {
        var webm = new TestFile(300_000, seed: 7, extension: ".webm");
        var session = await cluster.Grains.StartAsync(webm, "match.webm", webm.Sha256, "project-a");

        ChunkReceipt last = null!;
        foreach (var chunk in new[] { 4, 0, 3, 1, 2 })
        {
            last = await session.PutAsync(webm, chunk);
        }

        Assert.Equal(UploadStatus.Completed, last.Status);
        var snapshot = await session.SnapshotAsync();
        Assert.Equal(webm.Sha256, snapshot.FileHash);
        Assert.NotNull(snapshot.CompletedAt);
        var video = await cluster.Grains.GetGrain<IVideoGrain>(session.GetPrimaryKey()).GetAsync();
        Assert.NotNull(video);
        Assert.Equal("match.webm", video.OriginalName);
        Assert.Equal(session.GetPrimaryKey().ToString("N") + ".webm", video.Filename);
        Assert.Equal(webm.Sha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(cluster.FinalDirectory, video.Filename)))));
        Assert.Contains((await cluster.Catalog.ListVideosAsync("project-a", null, 100, default)).Videos, v => v.Id == video.Id);
        Assert.Equal(UploadErrorCode.UploadCompleted, (await session.PutChunkAsync(0, webm.Chunk(0), null)).Code());
    }

    [Fact]
    public async Task Complete_is_idempotent_and_lists_missing_chunks_until_all_are_stored()
    {
        var session = await cluster.Grains.StartAsync(_file);
        await session.PutAsync(_file, 0);
        await session.PutAsync(_file, 2);

        var early = await session.CompleteAsync();

        Assert.Equal(UploadErrorCode.MissingChunks, early.Code());
        Assert.Equal(new[] { 1, 3, 4 }, early.Error!.MissingChunks);

        foreach (var chunk in new[] { 1, 3, 4 })
        {
            await session.PutAsync(_file, chunk);
        }

        var first = await session.CompleteAsync();
        var second = await session.CompleteAsync();
        Assert.Equal(first.Value, second.Value);
    }

    [Fact]
    public async Task A_wrong_file_hash_fails_the_upload_and_keeps_failing_complete()
    {
        var wrong = new string('a', 64);
        var session = await cluster.Grains.StartAsync(_file, fileHash: wrong);

        for (var chunk = 0; chunk < 5; chunk++)
        {
            await session.PutAsync(_file, chunk);
        }

        Assert.Equal(UploadStatus.Failed, (await session.SnapshotAsync()).Status);
        Assert.Equal(UploadErrorCode.FileHashMismatch, (await session.CompleteAsync()).Code());
        Assert.Equal(UploadErrorCode.FileHashMismatch, (await session.CompleteAsync()).Code());
        Assert.Null(await cluster.Grains.GetGrain<IVideoGrain>(session.GetPrimaryKey()).GetAsync());
    }
}
