namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// An upload's life cycle, keyed by its upload id: start it, read it, file it under a project, end it. The same
/// activation also serves the other capabilities of a session (<see cref="IChunkUploadGrain"/>,
/// <see cref="IAppendUploadGrain"/>, <see cref="IUploadCompletionGrain"/>, <see cref="IUploadProgressGrain"/>,
/// <see cref="IUploadPartGrain"/>, <see cref="IUploadSweepGrain"/>): one grain per upload, one interface per capability.
/// </summary>
[Alias("uploads.IUploadSessionGrain")]
public interface IUploadSessionGrain : IGrainWithGuidKey
{
    [Alias("Initiate")]
    Task<UploadResult<UploadSnapshot>> InitiateAsync(InitiateUpload request);

    /// <summary>The upload as it stands; an upload idle past its timeout expires on this read.</summary>
    [Alias("Get")]
    Task<UploadResult<UploadSnapshot>> GetAsync();

    /// <summary>Sets the project of an upload that has not completed yet.</summary>
    [Alias("AssignProject")]
    Task<UploadResult<UploadSnapshot>> AssignProjectAsync(string projectId);

    /// <summary>Cancels the upload and removes its temp data. Idempotent: an ended upload answers with its snapshot.</summary>
    [Alias("Cancel")]
    Task<UploadResult<UploadSnapshot>> CancelAsync();

    /// <summary>
    /// tus termination: cancels an unfinished upload; a finished one is removed with its video (or its bytes, for a part)
    /// and forgotten, so it reads as unknown afterwards. Refuses one that has already ended otherwise (a gone upload is an error).
    /// </summary>
    [Alias("Terminate")]
    Task<UploadResult<UploadSnapshot>> TerminateAsync();
}
