namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// Who may append to one session right now, and how far that writer has got. Appends take turns through a gate, so a
/// piece is written and counted before the next one (of any request) starts. Deliberately not persisted: after a
/// restart no earlier writer holds the upload, and bytes written past the durable length were never acknowledged.
/// Not thread-safe beyond the gate: it relies on the grain's single-threaded turns.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim whose wait handle is never used holds nothing to dispose.")]
public sealed class AppendLeaseKeeper
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The open lease, or null when no request holds the upload.</summary>
    public Guid? Holder { get; private set; }

    /// <summary>Where the holder writes next: the durable length plus whatever it wrote uncommitted.</summary>
    public long Position { get; private set; }

    /// <summary>Whether an append is being written now.</summary>
    public bool IsBusy => _gate.CurrentCount == 0;

    /// <summary>Waits for this append's turn; disposing the result gives the turn to the next one.</summary>
    public async Task<IDisposable> TakeTurnAsync()
    {
        await _gate.WaitAsync();
        return new Turn(_gate);
    }

    /// <summary>Waits until the append being written now, if any, has finished.</summary>
    public async Task DrainAsync()
    {
        await _gate.WaitAsync();
        _gate.Release();
    }

    /// <summary>Hands the upload to <paramref name="lease"/>, superseding whoever held it, at the durable length.</summary>
    public void Open(Guid lease, long durableOffset)
    {
        Holder = lease;
        Position = durableOffset;
    }

    public bool IsHeldBy(Guid lease) => Holder == lease;

    public void Advance(long position) => Position = position;

    /// <summary>No one holds the upload any more; uncommitted bytes are forgotten.</summary>
    public void End(long durableOffset)
    {
        Holder = null;
        Position = durableOffset;
    }

    private sealed class Turn(SemaphoreSlim gate) : IDisposable
    {
        private SemaphoreSlim? _gate = gate;

        public void Dispose() => Interlocked.Exchange(ref _gate, null)?.Release();
    }
}
