namespace Orleans.Uploads.Grains.Sessions;

/// <summary><see cref="IUploadProgressGrain"/>: observers that hear every durable change of the upload.</summary>
public sealed partial class UploadSessionGrain
{
    public Task<UploadResult<UploadSnapshot>> WatchAsync(IUploadProgressObserver observer)
    {
        if (_state.Status == UploadStatus.None)
        {
            return Task.FromResult<UploadResult<UploadSnapshot>>(SessionErrors.NotFound());
        }

        _watchers.Subscribe(observer, observer);
        return Task.FromResult(UploadResult.Ok(Snapshot()));
    }

    public Task UnwatchAsync(IUploadProgressObserver observer)
    {
        _watchers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    /// <summary>Called after each state write: watchers hear only what is durable.</summary>
    private void NotifyWatchers()
    {
        if (_watchers.Count > 0)
        {
            var snapshot = Snapshot();
            _watchers.Notify(watcher => watcher.OnProgressAsync(snapshot).Ignore());
        }
    }
}
