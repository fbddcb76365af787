using Orleans.Uploads.Grains.Statistics;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>What the statistics ask of a session whose latest tally they may have missed.</summary>
[Alias("uploads.IUploadTallyGrain")]
public interface IUploadTallyGrain : IGrainWithGuidKey
{
    /// <summary>The tally of the session's durable state; null when the upload is unknown (never initiated, or purged).</summary>
    [Alias("GetTally")]
    Task<UploadTally?> GetTallyAsync();
}
