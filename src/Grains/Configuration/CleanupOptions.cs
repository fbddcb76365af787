namespace Orleans.Uploads.Grains.Configuration;

/// <summary>The <c>Cleanup</c> configuration section: how abandoned uploads are found and removed.</summary>
public sealed class CleanupOptions
{
    public const string SectionName = "Cleanup";

    /// <summary>How often the cleanup grain's reminder fires.</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Deadlines are indexed in buckets this wide; a tick visits only the buckets that have come due.</summary>
    public TimeSpan BucketWidth { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an expired, cancelled or failed session's bookkeeping is kept (answering 410) before it is removed.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>A temp file untouched this long whose session does not own it is deleted.</summary>
    public TimeSpan OrphanGracePeriod { get; set; } = TimeSpan.FromHours(2);
}
