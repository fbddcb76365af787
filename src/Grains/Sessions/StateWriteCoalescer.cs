namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// Group commit for a reentrant grain: callers that changed state while a write was running share the one
/// write queued behind it, so concurrent chunks cost one state write per round instead of one each, and
/// a caller's task completes only after a write that started after its change.
/// Not thread-safe: it relies on the grain's single-threaded turns.
/// </summary>
public sealed class StateWriteCoalescer(Func<Task> write)
{
    private Task? _running;
    private Task? _queued;

    public Task FlushAsync()
    {
        if (_queued is not null)
        {
            return _queued;
        }

        if (_running is null)
        {
            return _running = RunAsync();
        }

        return _queued = RunAfterAsync(_running);
    }

    private async Task RunAsync()
    {
        try
        {
            await write();
        }
        finally
        {
            _running = null;
        }
    }

    private async Task RunAfterAsync(Task current)
    {
        try
        {
            await current;
        }
        catch
        {
            // The queued write carries the same changes; its own outcome is what its callers see.
        }

        _queued = null;
        await (_running = RunAsync());
    }
}
