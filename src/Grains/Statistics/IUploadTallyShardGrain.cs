using Orleans.Concurrency;

namespace Orleans.Uploads.Grains.Statistics;

/// <summary>
/// Holds the latest tally of every upload whose id falls in its shard, so no single grain hears every chunk of the
/// cluster. Sessions register before their first durable write and then send their tally after each one; the shard
/// asks sessions itself for tallies it may have missed (after its own restart, or when a session went quiet).
/// </summary>
[Alias("uploads.IUploadTallyShardGrain")]
public interface IUploadTallyShardGrain : IGrainWithIntegerKey
{
    /// <summary>Shards are keyed 0 to Count - 1. Stored tallies are found by this: never change it.</summary>
    public const int Count = 16;

    static IUploadTallyShardGrain For(IGrainFactory grains, Guid uploadId) =>
        grains.GetGrain<IUploadTallyShardGrain>(uploadId.ToByteArray()[0] % Count);

    /// <summary>Returns once the shard has durably noted the upload, so it will ask for its tally if none arrives.</summary>
    [Alias("Register")]
    Task RegisterAsync(Guid uploadId);

    [OneWay, Alias("Report")]
    Task ReportAsync(Guid uploadId, UploadTally tally);

    [Alias("Totals")]
    Task<UploadTotals> GetTotalsAsync();

    /// <summary>The uploads whose tallies the shard still keeps one by one: those that may still change (settled ones are folded into its sums).</summary>
    [Alias("Unsettled")]
    Task<IReadOnlyList<Guid>> GetUnsettledAsync();
}
