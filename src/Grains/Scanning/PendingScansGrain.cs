namespace Orleans.Uploads.Grains.Scanning;

[GrainType("pending-scans")]
public sealed class PendingScansGrain([PersistentState("pending-scans", GrainStorageNames.Uploads)] IPersistentState<HashSet<Guid>> pending)
    : Grain, IPendingScansGrain
{
    public async Task AddAsync(Guid videoId)
    {
        if (pending.State.Add(videoId))
        {
            await pending.WriteStateAsync();
        }
    }

    public async Task RemoveAsync(Guid videoId)
    {
        if (pending.State.Remove(videoId))
        {
            await pending.WriteStateAsync();
        }
    }

    public Task ResumeAllAsync()
    {
        // Not awaited one by one: a scan's start only persists and schedules, and one slow grain must not hold up the rest.
        foreach (var videoId in pending.State)
        {
            GrainFactory.GetGrain<IVideoScanGrain>(videoId).StartAsync().Ignore();
        }

        return Task.CompletedTask;
    }
}
