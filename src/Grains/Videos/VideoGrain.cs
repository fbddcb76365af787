using Microsoft.Extensions.Options;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Uploads.Grains.Scanning;
using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Storage;

namespace Orleans.Uploads.Grains.Videos;

[GrainType("video")]
public sealed class VideoGrain(
    [PersistentState("video", GrainStorageNames.Uploads)] IPersistentState<VideoRecord?> video,
    IOptions<ScanningOptions> scanning,
    IVideoStore store)
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
        if (!video.RecordExists || video.State is not { } current || (current.ScanStatus == status && current.ScanDetail == detail))
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

    public async Task RemoveAsync()
    {
        if (!video.RecordExists || video.State is not { } existing)
        {
            return;
        }

        // The record goes last: a removal cut short is finished by the next call, which still knows what to remove.
        await GrainFactory.GetGrain<IProjectVideosGrain>(ProjectIds.OrDefault(existing.ProjectId)).RemoveAsync(existing.Id);
        await store.DeleteAsync(existing.Filename);
        await video.ClearStateAsync();
    }
}
