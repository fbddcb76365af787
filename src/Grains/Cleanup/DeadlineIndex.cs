namespace Orleans.Uploads.Grains.Cleanup;

/// <summary>
/// Where a deadline is filed: time is cut into buckets of a fixed width, each split into shards by upload id,
/// so a busy minute spreads over several grains and a tick reads only buckets that have passed.
/// </summary>
public static class DeadlineIndex
{
    public const int Shards = 8;

    public static long BucketOf(DateTimeOffset time, TimeSpan bucketWidth) => time.UtcTicks / bucketWidth.Ticks;

    /// <summary>The bucket grain key for a bucket and shard.</summary>
    public static long KeyOf(long bucket, int shard) => (bucket * Shards) + shard;

    public static int ShardOf(Guid uploadId) => (int)((uint)uploadId.GetHashCode() % Shards);

    /// <summary>Files <paramref name="uploadId"/> to be looked at once <paramref name="deadline"/> has passed.</summary>
    public static Task FileAsync(IGrainFactory grains, Guid uploadId, DateTimeOffset deadline, TimeSpan bucketWidth) =>
        grains.GetGrain<IDeadlineBucketGrain>(KeyOf(BucketOf(deadline, bucketWidth), ShardOf(uploadId))).AddAsync(uploadId);
}
