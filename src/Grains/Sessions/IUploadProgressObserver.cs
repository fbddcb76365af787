using Orleans.Concurrency;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>Told about every change of an upload it watches (a gateway's WebSocket, for example).</summary>
[Alias("uploads.IUploadProgressObserver")]
public interface IUploadProgressObserver : IGrainObserver
{
    [OneWay, Alias("OnProgress")]
    Task OnProgressAsync(UploadSnapshot snapshot);
}
