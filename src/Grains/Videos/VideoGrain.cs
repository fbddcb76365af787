using Microsoft.Extensions.Options;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Uploads.Grains.Scanning;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Grains.Videos;

[GrainType("video")]
public sealed class VideoGrain(
    [PersistentState("video", GrainStorageNames.Uploads)] IPersistentState<VideoRecord?> video,
    IOptions<ScanningOptions> scanning)
    : Grain, IVideoGrain
{
    public async Task<VideoRecord> RegisterAsync(VideoRecord record)
    {
        if (video.RecordExists && video.State is { } existing)
        {
            // A completion retried after a crash between recording the video and starting its scan starts it now.
            await StartScanIfPendingAsync(existing);
            return existing;
        }

        video.State = record with { ScanStatus = scanning.Value.Enabled ? ScanStatus.Pending : ScanStatus.Unscanned };
        await video.WriteStateAsync();
        await StartScanIfPendingAsync(video.State);
        return video.State;
    }

    public Task<VideoRecord?> GetAsync() => Task.FromResult(video.RecordExists ? video.State : null);

    public async Task SetScanStatusAsync(string status, string? detail)
    {
        if (video.State is not { } current || (current.ScanStatus == status && current.ScanDetail == detail))
        {
            return;
        }

        video.State = current with { ScanStatus = status, ScanDetail = detail };
        await video.WriteStateAsync();
        await GrainFactory.GetGrain<IProjectVideosGrain>(ProjectIds.OrDefault(current.ProjectId)).UpdateAsync(video.State);
    }

    private Task StartScanIfPendingAsync(VideoRecord record) => record.ScanStatus == ScanStatus.Pending
        ? GrainFactory.GetGrain<IVideoScanGrain>(record.Id).StartAsync()
        : Task.CompletedTask;
}
