namespace Orleans.Uploads.Grains.Scanning;

/// <summary>The scan of one finished video (keyed by the video's id), driven by a reminder until it has a verdict.</summary>
[Alias("uploads.IVideoScanGrain")]
public interface IVideoScanGrain : IGrainWithGuidKey
{
    /// <summary>Starts the scan, or drives it on if it was under way (idempotent; a finished scan is left as it is).</summary>
    [Alias("Start")]
    Task StartAsync();

    [Alias("Get")]
    Task<VideoScanSnapshot> GetAsync();
}

/// <summary>Where one scan stands: its status, failed attempts so far, and the finding or last failure.</summary>
[GenerateSerializer, Immutable, Alias("uploads.VideoScanSnapshot")]
public sealed record VideoScanSnapshot(
    [property: Id(0)] string Status,
    [property: Id(1)] int FailedAttempts,
    [property: Id(2)] string? Detail);
