namespace Orleans.Uploads.Grains.Statistics;

/// <summary>
/// The cluster's statistics: the sum of every tally shard's totals, computed when asked. It holds nothing itself, so it
/// has nothing to lose in a crash; see <see cref="UploadTallyShardGrain"/> for why the shards' numbers are exact.
/// </summary>
[GrainType("upload-statistics")]
public sealed class UploadStatisticsGrain : Grain, IUploadStatisticsGrain
{
    public async Task<UploadStatistics> GetAsync()
    {
        var shards = await Task.WhenAll(Enumerable.Range(0, IUploadTallyShardGrain.Count)
            .Select(shard => GrainFactory.GetGrain<IUploadTallyShardGrain>(shard).GetTotalsAsync()));
        var totals = new UploadTotals();
        foreach (var shard in shards)
        {
            totals.Add(shard);
        }

        return totals.ToStatistics();
    }
}
