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

    /// <summary>The scan's verdict (or its failure), recorded on the video and its project's listing.</summary>
    [Alias("SetScanStatus")]
    Task SetScanStatusAsync(string status, string? detail);
    /// <summary>Removes the video: from its project's list, its file, then its record. Idempotent.</summary>
    [Alias("Remove")]
    Task RemoveAsync();
}

/// <summary>The videos of one project, so a project's list is one call.</summary>
[Alias("uploads.IProjectVideosGrain")]
public interface IProjectVideosGrain : IGrainWithStringKey
{
    [Alias("Add")]
    Task AddAsync(VideoRecord record);

    /// <summary>Replaces the listed record of the same video (its scan status changed); a video not listed stays unlisted.</summary>
    [Alias("Update")]
    Task UpdateAsync(VideoRecord record);

    [Alias("List")]
    Task<IReadOnlyList<VideoRecord>> ListAsync();

    [Alias("Remove")]
    Task RemoveAsync(Guid videoId);
}
