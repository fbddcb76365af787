using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Storage;

namespace Orleans.Uploads.Grains.Videos;

[GrainType("video")]
public sealed class VideoGrain([PersistentState("video", GrainStorageNames.Uploads)] IPersistentState<VideoRecord?> video, IVideoStore store)
    : Grain, IVideoGrain
{
    public async Task<VideoRecord> RegisterAsync(VideoRecord record)
    {
        if (video.RecordExists && video.State is { } existing)
        {
            return existing;
        }

        video.State = record;
        await video.WriteStateAsync();
        return record;
    }

    public Task<VideoRecord?> GetAsync() => Task.FromResult(video.RecordExists ? video.State : null);

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
