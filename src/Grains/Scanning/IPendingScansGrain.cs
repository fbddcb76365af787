namespace Orleans.Uploads.Grains.Scanning;

/// <summary>
/// The cluster's list of scans without a published verdict (key 0). Reminders are lost when the reminder service keeps
/// them in memory (the standalone server), so each silo's start drives every scan on this list again.
/// </summary>
[Alias("uploads.IPendingScansGrain")]
public interface IPendingScansGrain : IGrainWithIntegerKey
{
    public const long Key = 0;

    [Alias("Add")]
    Task AddAsync(Guid videoId);

    [Alias("Remove")]
    Task RemoveAsync(Guid videoId);

    /// <summary>Starts every listed scan again (each start is idempotent).</summary>
    [Alias("ResumeAll")]
    Task ResumeAllAsync();
}
