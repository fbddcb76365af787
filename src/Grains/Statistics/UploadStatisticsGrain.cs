namespace Orleans.Uploads.Grains.Statistics;

/// <summary>
/// Counts in memory and saves at most every few seconds: statistics are informative, so a crash may lose
/// the last interval's counts, but no upload waits on them.
/// </summary>
[GrainType("upload-statistics")]
public sealed class UploadStatisticsGrain(
    [PersistentState("statistics", GrainStorageNames.Uploads)] IPersistentState<UploadStatisticsState> statistics)
    : Grain, IUploadStatisticsGrain
{
    private static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(5);
    private bool _dirty;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(SaveIfChangedAsync, new GrainTimerCreationOptions(SaveInterval, SaveInterval));
        return base.OnActivateAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await SaveIfChangedAsync();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    public Task RecordAsync(UploadEvent change)
    {
        statistics.State.Apply(change);
        _dirty = true;
        return Task.CompletedTask;
    }

    public Task<UploadStatistics> GetAsync() => Task.FromResult(statistics.State.ToStatistics());

    private async Task SaveIfChangedAsync()
    {
        if (!_dirty)
        {
            return;
        }

        _dirty = false;
        await statistics.WriteStateAsync();
    }
}
