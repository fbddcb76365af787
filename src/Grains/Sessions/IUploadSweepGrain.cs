namespace Orleans.Uploads.Grains.Sessions;

/// <summary>What the cleanup grain asks of a session: whether it is done with, and whether its temp data is still its own.</summary>
[Alias("uploads.IUploadSweepGrain")]
public interface IUploadSweepGrain : IGrainWithGuidKey
{
    /// <summary>
    /// The cleanup grain's visit: expires an idle session, releases an unclaimed part, removes an ended session's
    /// bookkeeping after the retention period. Returns when to look again, or null for never (completed, removed).
    /// </summary>
    [Alias("Sweep")]
    Task<DateTimeOffset?> SweepAsync();

    /// <summary>Whether this session still needs its temp data (so the orphan sweep must leave it).</summary>
    [Alias("OwnsTempData")]
    Task<bool> OwnsTempDataAsync();
}
