namespace Orleans.Uploads.Grains.Sessions;

/// <summary>Live progress: observers hear every durable change of the upload.</summary>
[Alias("uploads.IUploadProgressGrain")]
public interface IUploadProgressGrain : IGrainWithGuidKey
{
    /// <summary>How long a subscription lasts; watchers renew before it ends.</summary>
    static TimeSpan WatchDuration { get; } = TimeSpan.FromMinutes(1);

    /// <summary>Subscribes an observer to this upload's changes for <see cref="WatchDuration"/>.</summary>
    [Alias("Watch")]
    Task<UploadResult<UploadSnapshot>> WatchAsync(IUploadProgressObserver observer);

    [Alias("Unwatch")]
    Task UnwatchAsync(IUploadProgressObserver observer);
}
