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

    /// <summary>
    /// Starts writing at <paramref name="offset"/>, which must be the stored length. The lease it returns
    /// supersedes any earlier one, so a writer that vanished mid-request can never block the upload.
    /// </summary>
    [Alias("BeginAppend")]
    Task<UploadResult<AppendLease>> BeginAppendAsync(long offset);

    /// <summary>
    /// Writes the next bytes of a lease. Committed bytes are durable and counted at once; uncommitted ones wait
    /// for <see cref="CommitAppendAsync"/> (after a checksum over all of them passed) or are dropped.
    /// </summary>
    [Alias("Append")]
    Task<UploadResult<AppendProgress>> AppendAsync(Guid lease, ChunkPayload payload, bool commit);

    [Alias("CommitAppend")]
    Task<UploadResult<UploadSnapshot>> CommitAppendAsync(Guid lease);

    /// <summary>Ends a lease; its uncommitted bytes are dropped. With no lease given, ends whichever is open.</summary>
    [Alias("EndAppend")]
    Task EndAppendAsync(Guid? lease);

    /// <summary>Whether this upload is a finished partial upload that a final upload may concatenate.</summary>
    [Alias("DescribePart")]
    Task<PartInfo> DescribePartAsync();

    /// <summary>A final upload has consumed this partial upload: its bytes are no longer needed.</summary>
    [Alias("ReleasePart")]
    Task ReleasePartAsync();

    /// <summary>Sets the total size of an upload started without one; completes it if every byte is there.</summary>
    [Alias("DeclareLength")]
    Task<UploadResult<UploadSnapshot>> DeclareLengthAsync(long totalSize);

    /// <summary>Sets the project of an upload that has not completed yet.</summary>
    [Alias("AssignProject")]
    Task<UploadResult<UploadSnapshot>> AssignProjectAsync(string projectId);

    [Alias("Get")]
    Task<UploadResult<UploadSnapshot>> GetAsync();

    /// <summary>Subscribes an observer to this upload's changes for a minute; watchers renew before that.</summary>
    [Alias("Watch")]
    Task<UploadResult<UploadSnapshot>> WatchAsync(IUploadProgressObserver observer);

    [Alias("Unwatch")]
    Task UnwatchAsync(IUploadProgressObserver observer);

    /// <summary>Completes the upload (verified and moved into final storage). Idempotent.</summary>
    [Alias("Complete")]
    Task<UploadResult<VideoRecord>> CompleteAsync();

    /// <summary>Cancels the upload and removes its temp data. Idempotent.</summary>
    [Alias("Cancel")]
    Task<UploadResult<UploadSnapshot>> CancelAsync();

    /// <summary>
    /// The cleanup grain's visit: expires an idle session, releases an unclaimed part, removes an ended session's
    /// bookkeeping after the retention period. Returns when to look again, or null for never (completed, removed).
    /// </summary>
    [Alias("Sweep")]
    Task<DateTimeOffset?> SweepAsync();

    /// <summary>Whether this session still needs its temp data (so the orphan sweep must leave it).</summary>
    [Alias("OwnsTempData")]
    Task<bool> OwnsTempDataAsync();

    /// <summary>Expires the session if it has been idle longer than the upload timeout; returns its status.</summary>
    [Alias("ExpireIfIdle")]
    Task<UploadStatus> ExpireIfIdleAsync();
}
