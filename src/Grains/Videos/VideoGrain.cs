namespace Orleans.Uploads.Grains.Videos;

[GrainType("video")]
public sealed class VideoGrain([PersistentState("video", GrainStorageNames.Uploads)] IPersistentState<VideoRecord?> video)
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
}
