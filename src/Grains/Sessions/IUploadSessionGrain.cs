using Orleans.Uploads.Grains.Videos;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>One upload, keyed by its upload id: the single owner of its chunk state, retries and lifecycle.</summary>
[Alias("uploads.IUploadSessionGrain")]
public interface IUploadSessionGrain : IGrainWithGuidKey
{
    [Alias("Initiate")]
    Task<UploadResult<UploadSnapshot>> InitiateAsync(InitiateUpload request);

    /// <summary>The chunk layout, or null for an unknown upload or one whose length is not declared yet.</summary>
    [Alias("GetLayout")]
    Task<UploadLayout?> GetLayoutAsync();

    /// <summary>Stores one numbered chunk. Acknowledged only once its bytes and its record are durable.</summary>
    [Alias("PutChunk")]
    Task<UploadResult<ChunkReceipt>> PutChunkAsync(int chunkNumber, ChunkPayload payload, string? sha256Hex);

    /// <summary>Appends bytes at <paramref name="offset"/>, which must equal the stored length.</summary>
    [Alias("Append")]
    Task<UploadResult<UploadSnapshot>> AppendAsync(long offset, ChunkPayload payload);

    /// <summary>Sets the total size of an upload started without one; completes it if every byte is there.</summary>
    [Alias("DeclareLength")]
    Task<UploadResult<UploadSnapshot>> DeclareLengthAsync(long totalSize);

    /// <summary>Sets the project of an upload that has not completed yet.</summary>
    [Alias("AssignProject")]
    Task<UploadResult<UploadSnapshot>> AssignProjectAsync(string projectId);

    [Alias("Get")]
    Task<UploadResult<UploadSnapshot>> GetAsync();

    /// <summary>Completes the upload (verified and moved into final storage). Idempotent.</summary>
    [Alias("Complete")]
    Task<UploadResult<VideoRecord>> CompleteAsync();

    /// <summary>Cancels the upload and removes its temp data. Idempotent.</summary>
    [Alias("Cancel")]
    Task<UploadResult<UploadSnapshot>> CancelAsync();

    /// <summary>Expires the session if it has been idle longer than the upload timeout; returns its status.</summary>
    [Alias("ExpireIfIdle")]
    Task<UploadStatus> ExpireIfIdleAsync();
}
