namespace Orleans.Uploads.Grains.Cleanup;

[GrainType("deadline-bucket")]
public sealed class DeadlineBucketGrain([PersistentState("deadlines", GrainStorageNames.Uploads)] IPersistentState<HashSet<Guid>> sessions)
    : Grain, IDeadlineBucketGrain
{
    public async Task AddAsync(Guid uploadId)
    {
        if (sessions.State.Add(uploadId))
        {
            await sessions.WriteStateAsync();
        }
    }

    public Task<Guid[]> ListAsync() => Task.FromResult(sessions.State.ToArray());

    public async Task ClearAsync()
    {
        if (sessions.RecordExists)
        {
            await sessions.ClearStateAsync();
        }

        sessions.State = [];
        DeactivateOnIdle();
    }
}
