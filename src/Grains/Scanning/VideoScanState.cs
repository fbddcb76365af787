namespace Orleans.Uploads.Grains.Scanning;

/// <summary>The persisted state of one video's scan, so a restart resumes it rather than forgetting it.</summary>
[GenerateSerializer, Alias("uploads.VideoScanState")]
public sealed class VideoScanState
{
    [Id(0)] public string Status { get; set; } = ScanStatus.Pending;

    [Id(1)] public int FailedAttempts { get; set; }

    /// <summary>The finding (infected), the reason (scan_failed), or the last attempt's failure while pending.</summary>
    [Id(2)] public string? Detail { get; set; }

    /// <summary>
    /// The verdict has reached the video (quarantine done, record updated). A verdict is recorded here first, so a crash
    /// between deciding and publishing is finished by the next drive instead of scanning a half-quarantined video again.
    /// </summary>
    [Id(3)] public bool Published { get; set; }
}
