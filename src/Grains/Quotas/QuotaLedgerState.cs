namespace Orleans.Uploads.Grains.Quotas;

/// <summary>What a quota ledger persists. Stored as JSON: add members freely, never rename or repurpose them.</summary>
[GenerateSerializer, Alias("uploads.QuotaLedgerState")]
public sealed class QuotaLedgerState
{
    /// <summary>Bytes reserved per unfinished upload.</summary>
    [Id(0)] public Dictionary<Guid, long> Reservations { get; set; } = [];
}
