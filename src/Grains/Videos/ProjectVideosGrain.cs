namespace Orleans.Uploads.Grains.Videos;

[GrainType("project-videos")]
public sealed class ProjectVideosGrain([PersistentState("videos", GrainStorageNames.Uploads)] IPersistentState<List<VideoRecord>> videos)
    : Grain, IProjectVideosGrain
{
    public async Task AddAsync(VideoRecord record)
    {
        if (videos.State.Exists(v => v.Id == record.Id))
        {
            return;
        }

        videos.State.Add(record);
        await videos.WriteStateAsync();
    }

    /// <summary>
    /// Replaces a listed video's record and never adds one: a scan verdict that lands after the video was removed from the
    /// list (a removal cut short, then finished) must not bring it back. Adding is <see cref="AddAsync"/>'s, at completion.
    /// </summary>
    public async Task UpdateAsync(VideoRecord record)
    {
        var index = videos.State.FindIndex(v => v.Id == record.Id);
        if (index < 0)
        {
            return;
        }

        videos.State[index] = record;
        await videos.WriteStateAsync();
    }

    public async Task RemoveAsync(Guid videoId)
    {
        if (videos.State.RemoveAll(v => v.Id == videoId) > 0)
        {
            await videos.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<VideoRecord>> ListAsync() => Task.FromResult<IReadOnlyList<VideoRecord>>([.. videos.State]);
}
