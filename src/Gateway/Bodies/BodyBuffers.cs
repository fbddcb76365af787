using System.Buffers;
using System.Threading.RateLimiting;
using Orleans.Uploads.Grains.Configuration;

namespace Orleans.Uploads.Gateway.Bodies;

/// <summary>
/// Memory for request bodies on their way to a session, drawn from one budget per gateway
/// (<c>Gateway:BodyBufferMegabytes</c>) so memory stays flat however many uploads run at once: a request that finds
/// the budget spent waits for room before it reads its body, and TCP flow control slows its client meanwhile.
/// The arrays come from a pool of this class's own, which keeps no per-thread copies (the shared pool keeps one large
/// array per thread that ever returned one) and never holds more arrays than the budget can lend at once.
/// </summary>
public sealed class BodyBuffers : IDisposable
{
    private const int BytesPerPermit = 1024;
    private readonly ConcurrencyLimiter _budget;
    private readonly int _permitLimit;

    public BodyBuffers(long budgetBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(budgetBytes, BytesPerPermit);
        _permitLimit = (int)(budgetBytes / BytesPerPermit);
        _budget = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = _permitLimit,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        Arrays = ArrayPool<byte>.Create(UploadOptions.MaxChunkSizeLimit, (int)Math.Clamp(budgetBytes / UploadOptions.MinChunkSize, 2, 64));
    }

    public ArrayPool<byte> Arrays { get; }

    /// <summary>Waits until <paramref name="bytes"/> of the budget are free and holds them until the lease is disposed.</summary>
    public async ValueTask<IDisposable> ReserveAsync(long bytes, CancellationToken cancellationToken)
    {
        // More than the whole budget waits for all of it: memory then exceeds the budget by the difference, for one body only.
        var permits = (int)Math.Clamp((bytes + BytesPerPermit - 1) / BytesPerPermit, 1, _permitLimit);
        var lease = await _budget.AcquireAsync(permits, cancellationToken);
        return lease.IsAcquired ? lease : throw new InvalidOperationException("The body-buffer budget refused a reservation; its queue is unbounded.");
    }

    public void Dispose() => _budget.Dispose();
}
