namespace Orleans.Uploads.Grains.Tests.Infrastructure;

/// <summary>
/// Holds chunk-store writes of one upload inside the store until the test opens the gate, so a test can see
/// how many writes are under way at the same moment.
/// </summary>
public sealed class WriteGate
{
    private static readonly TimeSpan MaxHold = TimeSpan.FromSeconds(30);
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _lock = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private int _inside;

    public int Entered { get; private set; }

    public int MaxInside { get; private set; }

    public async Task PassAsync()
    {
        lock (_lock)
        {
            _inside++;
            Entered++;
            MaxInside = Math.Max(MaxInside, _inside);
            foreach (var waiter in _waiters.Where(w => _inside >= w.Count))
            {
                waiter.Reached.TrySetResult();
            }
        }

        try
        {
            await _open.Task.WaitAsync(MaxHold);
        }
        finally
        {
            lock (_lock)
            {
                _inside--;
            }
        }
    }

    /// <summary>Completes when <paramref name="count"/> writes are inside together; times out if they never are.</summary>
    public Task WaitForInsideAsync(int count)
    {
        lock (_lock)
        {
            if (_inside >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task.WaitAsync(MaxHold);
        }
    }

    public void Open() => _open.TrySetResult();
}
