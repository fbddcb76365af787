using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Uploads.Grains.Storage;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Utilities;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// Owns one upload: its state, its bytes' whereabouts and every rule about them. One grain, one interface per
/// capability, each implemented in its own partial file (Lifecycle, Chunks, Appends, Completion, Progress, Parts,
/// Sweeping); this file holds what they share. Reentrant so that up to <see cref="UploadOptions.MaxConcurrentChunks"/>
/// chunk writes overlap instead of queueing behind each other; every state change still happens between awaits on the
/// activation's single thread, and every acknowledgement waits for a durable state write that includes it.
/// </summary>
[GrainType("upload-session")]
[Reentrant]
public sealed partial class UploadSessionGrain : Grain,
    IUploadSessionGrain, IChunkUploadGrain, IAppendUploadGrain, IUploadCompletionGrain, IUploadProgressGrain, IUploadPartGrain, IUploadSweepGrain, IUploadTallyGrain
{
    private readonly IPersistentState<UploadSessionState> _stored;
    private readonly IUploadStore _uploads;
    private readonly IVideoStore _videos;
    private readonly UploadOptions _options;
    private readonly CleanupOptions _cleanup;
    private readonly TimeProvider _clock;
    private readonly ILogger<UploadSessionGrain> _logger;
    private readonly StateWriteCoalescer _writer;
    private readonly ObserverManager<IUploadProgressObserver> _watchers;
    private readonly AppendLeaseKeeper _lease = new();
    private UploadSessionState _state = new();
    private SessionDigest? _digest;

    public UploadSessionGrain(
        [PersistentState("session", GrainStorageNames.Uploads)] IPersistentState<UploadSessionState> stored,
        IUploadStore uploads,
        IVideoStore videos,
        IOptions<UploadOptions> options,
        IOptions<CleanupOptions> cleanup,
        [FromKeyedServices(UploadClock.Key)] TimeProvider clock,
        ILogger<UploadSessionGrain> logger)
    {
        _stored = stored;
        _uploads = uploads;
        _videos = videos;
        _options = options.Value;
        _cleanup = cleanup.Value;
        _clock = clock;
        _logger = logger;
        _writer = new StateWriteCoalescer(SaveAsync);
        _watchers = new ObserverManager<IUploadProgressObserver>(IUploadProgressGrain.WatchDuration, logger);
    }

    private Guid UploadId => this.GetPrimaryKey();

    private DateTimeOffset Now => _clock.GetUtcNow();

    /// <summary>Whether completion computes the file's sha256 (partial uploads never do: their final upload does).</summary>
    private bool NeedsFileHash => _state.Kind != UploadKind.Partial && (_options.EnableIntegrityCheck || _state.ExpectedFileHash is not null);

    /// <summary>Sessions started while <see cref="UploadOptions.VerifyStoredChunks"/> was on keep every chunk's sha256.</summary>
    private bool KeepsChunkHashes => _state.ChunkHashes.Length > 0;

    private bool VerifiesStoredChunks => _options.VerifyStoredChunks && _state.Mode == UploadMode.Chunks && KeepsChunkHashes;

    /// <summary>Made on first use, after initiation fixed what it depends on (the extension, the kind, the hashing mode).</summary>
    private SessionDigest Digest => _digest ??= NewDigest();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _state = _stored.State;
        _durable = _stored.State.Clone(); // a copy: _state is that same object and changes before it is durable again
        ProjectStoredState();
        return base.OnActivateAsync(cancellationToken);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _digest?.Dispose();
        StopMeteringAsActive();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    private SessionDigest NewDigest()
    {
        var uploadId = UploadId;
        var extension = _state.Extension;
        return new SessionDigest(offset => _uploads.OpenRead(uploadId, extension, offset), growsWithPrefix: NeedsFileHash && !VerifiesStoredChunks);
    }

    /// <summary>Feeds newly stored bytes to the running file hash; a failed read-back is only logged, completion tries again.</summary>
    private async Task AdvanceDigestAsync(long storedEnd, long offset, ReadOnlyMemory<byte> held)
    {
        try
        {
            await Digest.AdvanceAsync(storedEnd, offset, held);
        }
        catch (Exception ex) when (SessionErrors.IsStorageFailure(ex))
        {
            LogStorageFailure(ex, UploadId);
        }
    }

    private async Task SaveAsync()
    {
        _state.Revision++;
        var written = _state.Clone();
        _stored.State = written;
        try
        {
            await _stored.WriteStateAsync();
        }
        catch
        {
            // Which changes reached storage is unknown now: reload the stored truth on the next call.
            DeactivateOnIdle();
            throw;
        }

        // Metrics and rows compare with the state durable before this write: both before ReportTally, which moves _durable on.
        MeterDurableWrite(_durable, written);
        var projected = ProjectWrittenAsync(_durable, written);
        ReportTally(written);
        NotifyWatchers(written);
        await projected;
    }

    /// <summary>
    /// Makes the session's end durable before its bytes go: a crash in between leaves a temp file no live session owns,
    /// which the cleanup's orphan sweep removes, never a session that still accepts bytes whose file is gone.
    /// </summary>
    private async Task RecordEndThenDeleteTempDataAsync()
    {
        await _writer.FlushAsync();
        await DeleteTempDataAsync();
        await GiveBackQuotaAsync();
    }

    /// <summary>Releases the quota once the end is durable; a failure is only logged, the retention sweep's purge releases again.</summary>
    private async Task GiveBackQuotaAsync()
    {
        try
        {
            await ReleaseQuotaAsync();
        }
        catch (Exception ex)
        {
            LogQuotaReleaseFailure(ex, UploadId);
        }
    }

    private async Task DeleteTempDataAsync()
    {
        try
        {
            await _uploads.DeleteAsync(UploadId);
        }
        catch (Exception ex) when (SessionErrors.IsStorageFailure(ex))
        {
            // Left for the cleanup grain's orphan sweep; the session's status is what matters to clients.
            LogStorageFailure(ex, UploadId);
        }
    }

    /// <summary>Marks activity; the first byte moves an initiated session to uploading.</summary>
    private void Touch()
    {
        var now = Now;
        _state.LastActivityAt = now;
        _state.FirstByteAt ??= now;
        if (_state.Status == UploadStatus.Initiated)
        {
            _state.Status = UploadStatus.Uploading;
        }
    }

    private UploadError? RefuseBytes() => SessionErrors.RefuseBytes(_state);

    private UploadSnapshot Snapshot() => SessionSnapshot.Of(UploadId, _state, _options.UploadTimeout, Now);

    private UploadError FileTooLarge(long size) => SessionErrors.FileTooLarge(size, _options.MaxFileSize);

    private UploadError StorageFailed(Exception ex)
    {
        if (ex is InsufficientStorageException)
        {
            // Refused before a byte was written: nothing is wrong with the store, and nothing to log per request.
            return SessionErrors.InsufficientStorage();
        }

        LogStorageFailure(ex, UploadId);
        return SessionErrors.StorageUnavailable();
    }

    [LoggerMessage(LogLevel.Warning, "Upload session {UploadId}: its quota reservation could not be released yet")]
    private partial void LogQuotaReleaseFailure(Exception exception, Guid uploadId);

    [LoggerMessage(LogLevel.Error, "Upload session {UploadId}: chunk store failure")]
    private partial void LogStorageFailure(Exception exception, Guid uploadId);
}
