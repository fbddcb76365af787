using System.Buffers;
using System.Threading.RateLimiting;
using Orleans.Uploads.Grains.Configuration;

namespace Orleans.Uploads.Gateway.Bodies;

/// <summary>
/// Memory for request bodies on their way to a session, drawn from one budget per gateway
/// (<c>Gateway:BodyBufferMegabytes</c>) so memory stays flat however many uploads run at once. A body takes the budget
/// in steps as its bytes arrive (see <see cref="PooledBody"/>), never for its declared length alone, so a client that
/// declares megabytes and sends nothing holds one step. A request that finds the budget spent waits for room, and TCP
/// flow control slows its client meanwhile; it waits at most <c>Gateway:BodyBufferWaitSeconds</c>, then is answered
/// 408 (its waiting is not reading, so no data rate guards it).
/// The arrays come from a pool of this class's own, which keeps no per-thread copies (the shared pool keeps one large
/// array per thread that ever returned one) and never holds more arrays than the budget can lend at once.
/// </summary>
public sealed class BodyBuffers : IDisposable
{
    /// <summary>The first step of every body, and the smallest; a body's buffer then doubles as its bytes fill it.</summary>
    public const int StepBytes = 64 * 1024;

    private const int BytesPerPermit = 1024;
    private readonly ConcurrencyLimiter _budget;
    private readonly int _permitLimit;
    private readonly TimeSpan _longestWait;

    /// <param name="budgetBytes">The memory all bodies in transit share.</param>
    /// <param name="longestWait">How long a body may wait for room; <see cref="Timeout.InfiniteTimeSpan"/> (the default) waits for ever.</param>
    /// <param name="arrays">The pool buffers come from; by default one of this instance's own.</param>
    public BodyBuffers(long budgetBytes, TimeSpan? longestWait = null, ArrayPool<byte>? arrays = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(budgetBytes, BytesPerPermit);
        _permitLimit = (int)(budgetBytes / BytesPerPermit);
        _longestWait = longestWait ?? Timeout.InfiniteTimeSpan;
        _budget = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = _permitLimit,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        Arrays = arrays ?? ArrayPool<byte>.Create(UploadOptions.MaxChunkSizeLimit, (int)Math.Clamp(budgetBytes / StepBytes, 2, 64));
    }

    public ArrayPool<byte> Arrays { get; }

    /// <summary>
    /// Waits until <paramref name="bytes"/> of the budget are free and holds them until the lease is disposed.
    /// Throws a 408 <see cref="BadHttpRequestException"/> when the wait outlasts the longest allowed.
    /// </summary>
    public async ValueTask<IDisposable> ReserveAsync(long bytes, CancellationToken cancellationToken)
    {
        // More than the whole budget waits for all of it: memory then exceeds the budget by the difference, for one body only.
        var permits = PermitsFor(bytes);
        using var waited = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        waited.CancelAfter(_longestWait);
        RateLimitLease lease;
        try
        {
            lease = await _budget.AcquireAsync(permits, waited.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BadHttpRequestException(
                $"the gateway had no memory free for this body within {_longestWait.TotalSeconds:0.#} s; retry later", StatusCodes.Status408RequestTimeout);
        }

        return lease.IsAcquired ? lease : throw new InvalidOperationException("The body-buffer budget refused a reservation; its queue is unbounded.");
    }

    /// <summary>Takes <paramref name="bytes"/> of the budget if they are free now and nobody waits before us; null otherwise.</summary>
    public IDisposable? TryReserve(long bytes)
    {
        var lease = _budget.AttemptAcquire(PermitsFor(bytes));
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        return null;
    }

    public void Dispose() => _budget.Dispose();

    private int PermitsFor(long bytes) => (int)Math.Clamp((bytes + BytesPerPermit - 1) / BytesPerPermit, 1, _permitLimit);
}
