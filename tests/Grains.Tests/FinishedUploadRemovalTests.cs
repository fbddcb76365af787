using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Tests.Infrastructure;
using Orleans.Uploads.Grains.Videos;

namespace Orleans.Uploads.Grains.Tests;

/// <summary>tus termination of a finished upload removes its video (its row in the videos table, file, record) and the session itself.</summary>
public sealed class FinishedUploadRemovalTests(UploadClusterFixture cluster) : IClassFixture<UploadClusterFixture>
{
    private readonly TestFile _file = new(150_000, seed: 41);

    [Fact]
    public async Task Terminating_a_completed_upload_removes_the_video_and_forgets_the_upload()
    {
        var session = await CompletedAsync("gone.mp4", "removal");

        var video = (await cluster.Grains.GetGrain<IVideoGrain>(session.Id).GetAsync())!;
        var stored = Path.Combine(cluster.FinalDirectory, video.Filename);
        Assert.True(File.Exists(stored));

        var terminated = await session.Life.TerminateAsync();

        Assert.True(terminated.IsSuccess, terminated.Error?.Detail);
        Assert.Null(await cluster.Grains.GetGrain<IVideoGrain>(session.Id).GetAsync());
        Assert.DoesNotContain((await cluster.Catalog.ListVideosAsync("removal", null, 100, default)).Videos, v => v.Id == session.Id);
        Assert.False(File.Exists(stored));
        Assert.Equal(UploadErrorCode.UploadNotFound, (await session.GetAsync()).Code());
        Assert.Equal(UploadErrorCode.UploadNotFound, (await session.Life.TerminateAsync()).Code());
    }

    [Fact]
    public async Task A_scan_verdict_for_a_removed_video_does_not_list_it_again()
    {
        var session = await CompletedAsync("verdict-late.mp4", "removal-late");
        var video = cluster.Grains.GetGrain<IVideoGrain>(session.Id);
        Assert.Contains((await cluster.Catalog.ListVideosAsync("removal-late", null, 100, default)).Videos, v => v.Id == session.Id);

        await session.Life.TerminateAsync();
        await video.SetScanStatusAsync("clean", null);

        Assert.DoesNotContain((await cluster.Catalog.ListVideosAsync("removal-late", null, 100, default)).Videos, v => v.Id == session.Id);
    }

    [Fact]
    public async Task Cancelling_a_completed_upload_still_refuses_and_keeps_the_video()
    {
        var session = await CompletedAsync("kept.mp4", null);

        Assert.Equal(UploadErrorCode.UploadCompleted, (await session.CancelAsync()).Code());
        Assert.NotNull(await cluster.Grains.GetGrain<IVideoGrain>(session.Id).GetAsync());
    }

    private async Task<SessionUnderTest> CompletedAsync(string filename, string? projectId)
    {
        var session = await cluster.Grains.StartAsync(_file, filename, projectId: projectId);
        for (var chunk = 0; chunk < _file.Layout.TotalChunks; chunk++)
        {
            await session.PutAsync(_file, chunk);
        }

        return session;
    }
}
