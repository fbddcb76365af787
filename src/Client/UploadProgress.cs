// Why this file exists: what an upload reports while it runs, for progress bars and logs.

namespace Orleans.Uploads.Client;

/// <summary>Where an upload is: reading the file for its hash, sending chunks, or completing.</summary>
public enum UploadPhase
{
    Hashing,
    Uploading,
    Completing,
    Done,
}

/// <summary>
/// One progress report. <see cref="ProcessedBytes"/> counts bytes hashed (Hashing) or bytes the server holds (Uploading,
/// including chunks stored before a resume; <see cref="UploadId"/> is known from then on); speed and time left are over this run's sends only.
/// </summary>
public sealed record UploadProgress(
    string Filename,
    UploadPhase Phase,
    long ProcessedBytes,
    long TotalBytes,
    int CompletedChunks,
    int TotalChunks,
    double BytesPerSecond,
    TimeSpan? EstimatedTimeRemaining,
    Guid? UploadId = null)
{
    public double Percentage => TotalBytes == 0 ? 100 : 100.0 * ProcessedBytes / TotalBytes;
}
