namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// Bytes appended in order at the stored length (tus PATCH, the legacy form post). One request body is one lease:
/// its first piece opens the lease and supersedes any earlier one, so a writer that vanished mid-request can never
/// block the upload; its last piece ends it. A request therefore costs one grain call per piece.
/// </summary>
[Alias("uploads.IAppendUploadGrain")]
public interface IAppendUploadGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Writes the next piece of a request body. Committed bytes are durable and counted when this returns; uncommitted
    /// ones wait for a later piece that commits (after a checksum over all of them passed) or are dropped at the end.
    /// </summary>
    [Alias("Append")]
    Task<UploadResult<AppendProgress>> AppendAsync(AppendPiece piece, ChunkPayload payload);

    /// <summary>A client asking where it stands is about to resume: ends whichever lease is open and answers the upload.</summary>
    [Alias("Resume")]
    Task<UploadResult<UploadSnapshot>> ResumeAsync();

    /// <summary>Sets the total size of an upload started without one; completes it if every byte is there.</summary>
    [Alias("DeclareLength")]
    Task<UploadResult<UploadSnapshot>> DeclareLengthAsync(long totalSize);
}
