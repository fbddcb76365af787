using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Orleans.Uploads.Grains.Catalog;

/// <summary>
/// One per silo: takes the rows grains hand it after their durable writes, without making them wait, and writes them to
/// the <see cref="IUploadCatalog"/> in batches, one transaction every <see cref="FlushInterval"/>.
/// Pending rows are coalesced by identity (a session's latest revision wins; a chunk or video's latest change wins), so
/// a busy upload costs one row per flush, not one per chunk write.
/// Hazards: the database may be down for long. Grain calls never see that: a failed batch is merged back under anything
/// newer and retried with exponential backoff and jitter (a Polly pipeline; each attempt takes up whatever is pending
/// then, so rows that arrived during the outage go in the same retry). Memory is bounded by <see cref="MaxPendingRows"/>: past it, chunk rows are dropped (session and
/// video rows, one per upload, are kept) and logged; the next activation of the upload, or the rebuild command, writes
/// them again from grain state. A silo that dies loses what it had pending; the same repair applies.
/// </summary>
public sealed partial class CatalogProjector(IUploadCatalog catalog, ILogger<CatalogProjector> logger) : IAsyncDisposable
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);
    public const int MaxPendingRows = 100_000;

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ResiliencePipeline _retries = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
    {
        ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
        MaxRetryAttempts = int.MaxValue,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        Delay = FlushInterval,
        MaxDelay = MaxRetryDelay,
    }).Build();
    private Pending _pending = new();
    private Task? _loop;
    private bool _dropping;

    /// <summary>Queues a session's row and the chunk rows its write added; returns at once.</summary>
    public void Enqueue(UploadRow upload, IEnumerable<ChunkRow> chunks)
    {
        lock (_gate)
        {
            _pending.Add(upload);
            foreach (var chunk in chunks)
            {
                if (_pending.Count >= MaxPendingRows)
                {
                    WarnDroppingOnce();
                    break;
                }

                _pending.Add(chunk);
            }

            StartLoop();
        }
    }

    /// <summary>Queues a video's row, or its deletion; returns at once.</summary>
    public void Enqueue(VideoChange video)
    {
        lock (_gate)
        {
            _pending.Add(video);
            StartLoop();
        }
    }

    /// <summary>
    /// Waits, at most <paramref name="limit"/>, until everything queued so far is in the database: for terminal transitions,
    /// so a platform told "completed" finds the rows at once. False when the wait ran out (the rows still follow).
    /// </summary>
    public async Task<bool> WaitWrittenAsync(TimeSpan limit)
    {
        Task written;
        lock (_gate)
        {
            written = _pending.Written.Task;
        }

        _wake.Release();
        try
        {
            await written.WaitAsync(limit);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        // One last try, briefly, so a clean shutdown does not leave the last quarter second to the repair.
        using var last = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await FlushOnceAsync(last.Token);
        }
        catch (Exception)
        {
            // Logged; what is lost here is repaired by the next activation or rebuild-tables.
        }
        _stopping.Dispose();
    }

    private void StartLoop() => _loop ??= Task.Run(RunAsync);

    private async Task RunAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(FlushInterval, _stopping.Token);
                await _retries.ExecuteAsync(static (projector, token) => projector.FlushOnceAsync(token), this, _stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Writes what is pending; on failure the rows are queued again (under anything newer) and the failure thrown.</summary>
    private async ValueTask FlushOnceAsync(CancellationToken cancellationToken)
    {
        Pending batch;
        lock (_gate)
        {
            if (_pending.IsEmpty)
            {
                // Nothing queued since the last commit: a waiter has nothing to wait for.
                _pending.Written.TrySetResult();
                _pending = new Pending();
                return;
            }

            batch = _pending;
            _pending = new Pending();
        }

        try
        {
            await catalog.WriteAsync(batch.ToBatch(), cancellationToken);
            batch.Written.TrySetResult();
            lock (_gate)
            {
                _dropping = false;
            }
        }
        catch (Exception ex)
        {
            if (ex is not OperationCanceledException)
            {
                LogWriteFailed(ex, batch.Count);
            }

            lock (_gate)
            {
                _pending.MergeOlder(batch);
            }

            throw;
        }
    }

    private void WarnDroppingOnce()
    {
        if (!_dropping)
        {
            _dropping = true;
            LogDropping(MaxPendingRows);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Upload catalog: writing {Rows} row(s) failed; retrying with backoff (grain state is unaffected)")]
    private partial void LogWriteFailed(Exception exception, int rows);

    [LoggerMessage(LogLevel.Warning, "Upload catalog: {Limit} rows pending; dropping chunk rows until the database catches up (re-activation or rebuild-tables restores them)")]
    private partial void LogDropping(int limit);

    /// <summary>Rows waiting for the next flush, coalesced by identity, and the signal of their commit.</summary>
    private sealed class Pending
    {
        private readonly Dictionary<Guid, UploadRow> _uploads = [];
        private readonly Dictionary<(Guid, int), ChunkRow> _chunks = [];
        private readonly Dictionary<Guid, VideoChange> _videos = [];

        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Count => _uploads.Count + _chunks.Count + _videos.Count;

        public bool IsEmpty => Count == 0;

        public void Add(UploadRow upload)
        {
            if (!_uploads.TryGetValue(upload.Id, out var queued) || queued.Revision <= upload.Revision)
            {
                _uploads[upload.Id] = upload;
            }
        }

        public void Add(ChunkRow chunk) => _chunks[(chunk.UploadSessionId, chunk.ChunkNumber)] = chunk;

        public void Add(VideoChange video) => _videos[video.Id] = video;

        /// <summary>Takes back a failed batch under what arrived since: newer rows win, and its waiters wait for this batch.</summary>
        public void MergeOlder(Pending older)
        {
            foreach (var upload in older._uploads.Values)
            {
                Add(upload);
            }

            foreach (var (key, chunk) in older._chunks)
            {
                _chunks.TryAdd(key, chunk);
            }

            foreach (var (id, video) in older._videos)
            {
                _videos.TryAdd(id, video);
            }

            var waiters = older.Written;
            _ = Written.Task.ContinueWith(_ => waiters.TrySetResult(), TaskScheduler.Default);
        }

        public CatalogBatch ToBatch() => new([.. _uploads.Values], [.. _chunks.Values], [.. _videos.Values]);
    }
}
