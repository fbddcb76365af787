namespace Orleans.Uploads.Grains.Videos;

/// <summary>One finished video, keyed by its id (which is the id of the upload that produced it).</summary>
[Alias("uploads.IVideoGrain")]
public interface IVideoGrain : IGrainWithGuidKey
{
    /// <summary>Records the video once; later calls return the first record unchanged.</summary>
    [Alias("Register")]
    Task<VideoRecord> RegisterAsync(VideoRecord record);

    [Alias("Get")]
    Task<VideoRecord?> GetAsync();

    /// <summary>The scan's verdict (or its failure), recorded on the video and its row in the videos table.</summary>
    [Alias("SetScanStatus")]
    Task SetScanStatusAsync(string status, string? detail);
    /// <summary>Removes the video: its row in the videos table, its file, then its record. Idempotent.</summary>
    [Alias("Remove")]
    Task RemoveAsync();
}
