using Orleans.Concurrency;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>Told about every change of an upload it watches (a gateway's WebSocket, for example).</summary>
[Alias("uploads.IUploadProgressObserver")]
public interface IUploadProgressObserver : IGrainObserver
{
    /// <summary>How long a subscription lasts: a watcher renews it within this time, or the session forgets it.</summary>
    static TimeSpan WatchDuration => TimeSpan.FromMinutes(1);

    [OneWay, Alias("OnProgress")]
    Task OnProgressAsync(UploadSnapshot snapshot);
}
