namespace Orleans.Uploads.Grains.Sessions;

/// <summary>Lifecycle of an upload session. Numbers are stored: never renumber.</summary>
[GenerateSerializer, Alias("uploads.UploadStatus")]
public enum UploadStatus
{
    None = 0,
    Initiated = 1,
    Uploading = 2,
    Completed = 3,
    Failed = 4,
    Cancelled = 5,
    Expired = 6,
}

/// <summary>How bytes arrive: numbered chunks (the seed API) or appends at the current offset (tus, legacy form posts).</summary>
[GenerateSerializer, Alias("uploads.UploadMode")]
public enum UploadMode
{
    Chunks = 0,
    Append = 1,
}

public static class UploadStatusExtensions
{
    public static bool AcceptsBytes(this UploadStatus status) => status is UploadStatus.Initiated or UploadStatus.Uploading;
}
