using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Grains.Statistics;

/// <summary>
/// Exact by construction: the shard keeps each upload's latest tally (replaced, never added to), and every upload it
/// knows of that has not settled is asked for its tally again whenever the shard may have missed one — on activation
/// (a crash loses tallies heard since the last save) and when a session has been quiet for <see cref="QuietPeriod"/>
/// (a crash of the session's silo can lose the tally sent after its last write). Registration is durable before a
/// session's first write, so no upload can exist that its shard does not know of. Saves are batched: at most one
/// write per <see cref="SaveInterval"/>, however many chunks arrive.
/// A settled tally (the upload ended) never changes again, so it is folded into the shard's sums and its entry dropped:
/// the state, written whole on every save, stays the size of the uploads in progress, not of every upload ever made.
/// Hazard: a tally of a folded upload may still arrive (sent twice, or an older one overtaken by the final one); it must
/// not count again, so folded uploads are remembered for <see cref="FoldedMemory"/>, far longer than any message lives
/// (Orleans drops a message older than its response timeout).
/// </summary>
[GrainType("upload-tally-shard")]
[Reentrant]
public sealed partial class UploadTallyShardGrain : Grain, IUploadTallyShardGrain
{
    private static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan FirstReconciliation = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FoldedMemory = TimeSpan.FromHours(1);
    private const int AsksAtOnce = 32;

    private readonly IPersistentState<UploadTallyShardState> _stored;
    private readonly TimeProvider _clock;
    private readonly ILogger<UploadTallyShardGrain> _logger;
    private readonly StateWriteCoalescer _writer;
    private readonly Dictionary<Guid, DateTimeOffset> _lastHeard = [];
    private Dictionary<Guid, UploadTally?> _tallies = [];
    private Dictionary<Guid, DateTimeOffset> _recentlyFolded = [];
    private UploadTotals _folded = new();
    private bool _dirty;

    public UploadTallyShardGrain(
        [PersistentState("tallies", GrainStorageNames.Uploads)] IPersistentState<UploadTallyShardState> stored,
        [FromKeyedServices(UploadClock.Key)] TimeProvider clock,
        ILogger<UploadTallyShardGrain> logger)
    {
        _stored = stored;
        _clock = clock;
        _logger = logger;
        _writer = new StateWriteCoalescer(SaveAsync);
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Nothing is heard yet in this activation: every unsettled upload is asked once, soon.
        _tallies = new Dictionary<Guid, UploadTally?>(_stored.State.Tallies);
        _recentlyFolded = new Dictionary<Guid, DateTimeOffset>(_stored.State.RecentlyFolded);
        _folded = Copy(_stored.State.Folded);

        // A state saved before folding existed holds settled tallies too.
        foreach (var (uploadId, tally) in _tallies.Where(pair => pair.Value is { IsSettled: true }).ToArray())
        {
            Fold(uploadId, tally!);
        }

        this.RegisterGrainTimer(SaveIfChangedAsync, new GrainTimerCreationOptions(SaveInterval, SaveInterval));
        this.RegisterGrainTimer(ReconcileAsync, new GrainTimerCreationOptions(FirstReconciliation, QuietPeriod));
        return base.OnActivateAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await SaveIfChangedAsync();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    public async Task RegisterAsync(Guid uploadId)
    {
        if (_recentlyFolded.ContainsKey(uploadId))
        {
            return;
        }

        _tallies.TryAdd(uploadId, null);
        _lastHeard[uploadId] = _clock.GetUtcNow();
        await _writer.FlushAsync();
    }

    public Task ReportAsync(Guid uploadId, UploadTally tally)
    {
        Accept(uploadId, tally);
        return Task.CompletedTask;
    }

    public Task<UploadTotals> GetTotalsAsync()
    {
        var totals = Copy(_folded);
        foreach (var tally in _tallies.Values)
        {
            if (tally is not null)
            {
                totals.Add(tally);
            }
        }

        return Task.FromResult(totals);
    }

    public Task<IReadOnlyList<Guid>> GetUnsettledAsync() => Task.FromResult<IReadOnlyList<Guid>>([.. _tallies.Keys]);

    /// <summary>Keeps the newer of two tallies: messages may arrive twice or out of order.</summary>
    private void Accept(Guid uploadId, UploadTally tally)
    {
        if (_recentlyFolded.ContainsKey(uploadId))
        {
            return;
        }

        _lastHeard[uploadId] = _clock.GetUtcNow();
        if (_tallies.GetValueOrDefault(uploadId) is { } known && known.Revision > tally.Revision)
        {
            return;
        }

        if (tally.IsSettled)
        {
            Fold(uploadId, tally);
            return;
        }

        _tallies[uploadId] = tally;
        _dirty = true;
    }

    private void Fold(Guid uploadId, UploadTally tally)
    {
        _folded.Add(tally);
        _tallies.Remove(uploadId);
        _lastHeard.Remove(uploadId);
        _recentlyFolded[uploadId] = _clock.GetUtcNow();
        _dirty = true;
    }

    private static UploadTotals Copy(UploadTotals totals)
    {
        var copy = new UploadTotals();
        copy.Add(totals);
        return copy;
    }

    /// <summary>Asks every unsettled upload not heard from for a quiet period (or at all, in this activation) for its tally.</summary>
    private async Task ReconcileAsync()
    {
        var quietSince = _clock.GetUtcNow() - QuietPeriod;
        var due = _tallies
            .Where(pair => pair.Value is not { IsSettled: true } && (!_lastHeard.TryGetValue(pair.Key, out var heard) || heard < quietSince))
            .Select(pair => pair.Key)
            .ToArray();
        foreach (var batch in due.Chunk(AsksAtOnce))
        {
            await Task.WhenAll(batch.Select(AskAsync));
        }

        await SaveIfChangedAsync();
    }

    private async Task AskAsync(Guid uploadId)
    {
        UploadTally? tally;
        try
        {
            tally = await GrainFactory.GetGrain<IUploadTallyGrain>(uploadId).GetTallyAsync();
        }
        catch (Exception ex)
        {
            // Asked again after the next quiet period.
            LogAskFailed(ex, uploadId);
            return;
        }

        if (tally is not null)
        {
            Accept(uploadId, tally);
        }
        else if (_tallies.TryGetValue(uploadId, out var known) && known is null)
        {
            // Registered, but its initiation never became durable: there is no upload to count.
            _tallies.Remove(uploadId);
            _lastHeard.Remove(uploadId);
            _dirty = true;
        }
        else if (_tallies.TryGetValue(uploadId, out known))
        {
            // Purged after its retention: its last tally is all there will be.
            Fold(uploadId, known!);
        }
    }

    private async Task SaveIfChangedAsync()
    {
        if (_dirty)
        {
            try
            {
                await _writer.FlushAsync();
            }
            catch (Exception ex)
            {
                // Kept dirty (SaveAsync sets it again), so the next interval tries again.
                LogSaveFailed(ex, this.GetPrimaryKeyLong());
            }
        }
    }

    private async Task SaveAsync()
    {
        _dirty = false;
        var forgetBefore = _clock.GetUtcNow() - FoldedMemory;
        foreach (var (uploadId, _) in _recentlyFolded.Where(pair => pair.Value < forgetBefore).ToArray())
        {
            _recentlyFolded.Remove(uploadId);
        }

        _stored.State = new UploadTallyShardState
        {
            Tallies = new Dictionary<Guid, UploadTally?>(_tallies),
            Folded = Copy(_folded),
            RecentlyFolded = new Dictionary<Guid, DateTimeOffset>(_recentlyFolded),
        };
        try
        {
            await _stored.WriteStateAsync();
        }
        catch
        {
            _dirty = true;
            throw;
        }
    }

    [LoggerMessage(LogLevel.Warning, "Upload statistics: could not ask upload {UploadId} for its tally")]
    private partial void LogAskFailed(Exception exception, Guid uploadId);

    [LoggerMessage(LogLevel.Warning, "Upload statistics shard {Shard}: could not save")]
    private partial void LogSaveFailed(Exception exception, long shard);
}
