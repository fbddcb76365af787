namespace Orleans.Uploads.Grains.Quotas;

/// <summary>
/// <see cref="IQuotaLedgerGrain"/>: one project's or caller's reservations, persisted before a reservation is granted,
/// so a silo crash never forgets bytes it admitted. Not reentrant: each check-and-reserve sees the one before it.
/// </summary>
[GrainType("quota-ledger")]
public sealed class QuotaLedgerGrain([PersistentState("reservations", GrainStorageNames.Uploads)] IPersistentState<QuotaLedgerState> stored)
    : Grain, IQuotaLedgerGrain
{
    private long _total;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _total = stored.State.Reservations.Values.Sum();
        return base.OnActivateAsync(cancellationToken);
    }

    public async Task<bool> TryReserveAsync(Guid uploadId, long bytes, long limit)
    {
        var held = stored.State.Reservations.GetValueOrDefault(uploadId);
        if (bytes <= held)
        {
            return true;
        }

        var total = _total - held + bytes;
        if (limit > 0 && total > limit)
        {
            return false;
        }

        stored.State.Reservations[uploadId] = bytes;
        await WriteAsync();
        _total = total;
        return true;
    }

    public async Task ReleaseAsync(Guid uploadId)
    {
        if (stored.State.Reservations.Remove(uploadId, out var held))
        {
            await WriteAsync();
            _total -= held;
        }
    }

    public Task<long> GetReservedAsync() => Task.FromResult(_total);

    private async Task WriteAsync()
    {
        try
        {
            await stored.WriteStateAsync();
        }
        catch
        {
            // The stored truth is unknown now (the change may or may not have landed): reload it on the next call.
            DeactivateOnIdle();
            throw;
        }
    }
}
