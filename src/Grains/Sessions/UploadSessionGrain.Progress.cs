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

    /// <summary>
    /// Called after each state write with the state that write stored: watchers hear only what is durable, and each
    /// write once. (Reading the live state instead showed changes still waiting for the next write, which then repeated
    /// the same progress.)
    /// </summary>
    private void NotifyWatchers(UploadSessionState written)
    {
        if (_watchers.Count > 0)
        {
            var snapshot = SessionSnapshot.Of(UploadId, written, _options.UploadTimeout, Now);
            _watchers.Notify(watcher => watcher.OnProgressAsync(snapshot).Ignore());
        }
    }
}
