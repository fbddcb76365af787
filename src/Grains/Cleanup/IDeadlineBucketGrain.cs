namespace Orleans.Uploads.Grains.Cleanup;

/// <summary>
/// One shard of one time bucket of the deadline index: the sessions to look at once the bucket has passed.
/// Keyed by <see cref="DeadlineIndex.KeyOf"/>.
/// </summary>
[Alias("uploads.IDeadlineBucketGrain")]
public interface IDeadlineBucketGrain : IGrainWithIntegerKey
{
    [Alias("Add")]
    Task AddAsync(Guid uploadId);

    [Alias("List")]
    Task<Guid[]> ListAsync();

    /// <summary>Forgets the bucket, once every session in it has been looked at (and re-filed if still due later).</summary>
    [Alias("Clear")]
    Task ClearAsync();
}
