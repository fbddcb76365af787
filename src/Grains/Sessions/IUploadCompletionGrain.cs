using Orleans.Uploads.Grains.Videos;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>Completion: verified against the file's sha256 and moved into final storage as a video.</summary>
[Alias("uploads.IUploadCompletionGrain")]
public interface IUploadCompletionGrain : IGrainWithGuidKey
{
    /// <summary>Completes the upload (verified and moved into final storage). Idempotent.</summary>
    [Alias("Complete")]
    Task<UploadResult<VideoRecord>> CompleteAsync();
}
