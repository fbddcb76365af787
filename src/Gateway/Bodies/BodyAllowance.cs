namespace Orleans.Uploads.Gateway.Bodies;

/// <summary>
/// One request body's share of the gateway's body budget (<see cref="BodyBuffers"/>), taken in steps as the body's
/// buffers grow and given back when the body is done. Every buffer of one body (the piece pump has two) draws on the
/// same allowance, so the body is one party to the budget, not two.
/// Hazard: hold-and-wait. A body that held part of the budget and waited for the rest could deadlock with others
/// doing the same (seen: four tus-js-client PATCHes in parallel all answered 408 after the wait). So a step is only
/// ever taken if it is free at once; when it is not, the body gives back all it holds and waits, holding nothing, for
/// everything it may still need (<c>mostNeeded</c>), and then never waits again. Waiters hold nothing and holders never
/// wait, so the budget's first-come queue always moves. While a body waits, the bytes it already read stay in their
/// buffers uncounted: memory can pass the budget by at most what the waiting bodies held, never more than the budget again.
/// Used by one read at a time (a body's reads are sequential), so it needs no lock.
/// </summary>
public sealed class BodyAllowance(BodyBuffers buffers, long mostNeeded) : IDisposable
{
    private readonly List<IDisposable> _steps = [];
    private bool _holdsAll;

    /// <summary>
    /// Takes <paramref name="bytes"/> more of the budget: at once if free, otherwise by waiting for all the body may
    /// need. Throws a 408 <see cref="BadHttpRequestException"/> when that wait outlasts the budget's longest.
    /// </summary>
    public async ValueTask TakeAsync(long bytes, CancellationToken cancellationToken)
    {
        if (_holdsAll)
        {
            return;
        }

        if (buffers.TryReserve(bytes) is { } step)
        {
            _steps.Add(step);
            return;
        }

        GiveBack();
        _steps.Add(await buffers.ReserveAsync(mostNeeded, cancellationToken));
        _holdsAll = true;
    }

    public void Dispose() => GiveBack();

    private void GiveBack()
    {
        foreach (var step in _steps)
        {
            step.Dispose();
        }

        _steps.Clear();
        _holdsAll = false;
    }
}
