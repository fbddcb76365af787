namespace Orleans.Uploads.Grains.Quotas;

/// <summary>
/// The bytes one project or one caller holds in unfinished uploads, as reservations keyed by upload id. Reserving sets
/// an upload's amount (never adds to it) and releasing removes it, so a retried or repeated call never counts twice and
/// an upload that ends however it ends gives its bytes back. Keyed by <see cref="QuotaLedgers"/>.
/// </summary>
public interface IQuotaLedgerGrain : IGrainWithStringKey
{
    /// <summary>
    /// Raises <paramref name="uploadId"/>'s reservation to <paramref name="bytes"/> if the ledger's total stays within
    /// <paramref name="limit"/> (0: no limit). True when the upload now holds at least that much; a smaller amount than it
    /// holds is a no-op that succeeds.
    /// </summary>
    Task<bool> TryReserveAsync(Guid uploadId, long bytes, long limit);

    /// <summary>Removes <paramref name="uploadId"/>'s reservation, if any.</summary>
    Task ReleaseAsync(Guid uploadId);

    /// <summary>The bytes reserved now, over every upload.</summary>
    Task<long> GetReservedAsync();
}
