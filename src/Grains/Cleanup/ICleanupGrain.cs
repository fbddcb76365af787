namespace Orleans.Uploads.Grains.Cleanup;

/// <summary>The cluster's one cleanup grain (key 0): a reminder wakes it to expire abandoned sessions and sweep orphans.</summary>
[Alias("uploads.ICleanupGrain")]
public interface ICleanupGrain : IGrainWithIntegerKey
{
    public const long Key = 0;

    /// <summary>Registers the reminder (idempotent); every silo calls this at start-up.</summary>
    [Alias("EnsureScheduled")]
    Task EnsureScheduledAsync();

    /// <summary>Runs one cleanup pass now, as the reminder does.</summary>
    [Alias("RunOnce")]
    Task<CleanupReport> RunOnceAsync();
}

[GenerateSerializer, Immutable, Alias("uploads.CleanupReport")]
public sealed record CleanupReport(
    [property: Id(0)] int BucketsVisited,
    [property: Id(1)] int SessionsVisited,
    [property: Id(2)] int OrphansDeleted);
