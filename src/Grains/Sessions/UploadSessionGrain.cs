using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Uploads.Grains.ChunkStorage;
using Orleans.Uploads.Grains.Cleanup;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Uploads.Grains.Statistics;
using Orleans.Uploads.Grains.Videos;
using Orleans.Utilities;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// Owns one upload. Reentrant so that up to <see cref="UploadOptions.MaxConcurrentChunks"/> chunk writes overlap
/// instead of queueing behind each other; every state change still happens between awaits on the activation's
/// single thread, and every acknowledgement waits for a durable state write that includes it.
/// </summary>
[GrainType("upload-session")]
[Reentrant]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim whose wait handle is never used holds nothing to dispose.")]
public sealed partial class UploadSessionGrain : Grain, IUploadSessionGrain
{
    private readonly IPersistentState<UploadSessionState> _stored;
    private readonly IChunkStore _chunks;
    private readonly UploadOptions _options;
    private readonly CleanupOptions _cleanup;
    private readonly TimeProvider _clock;
    private readonly ILogger<UploadSessionGrain> _logger;
    private readonly StateWriteCoalescer _writer;
    private readonly Dictionary<int, Task> _chunksInFlight = [];
    private readonly SemaphoreSlim _appendGate = new(1, 1);
    private readonly ObserverManager<IUploadProgressObserver> _watchers;
    private UploadSessionState _state = new();
    private Task<UploadResult<VideoRecord>>? _completion;
    private PrefixDigest? _digest;

    // The open append lease, and how far it has written (beyond the durable offset while uncommitted).
    // Deliberately not persisted: after a restart no earlier writer holds the upload.
    private Guid? _lease;
    private long _leasePosition;

    public UploadSessionGrain(
        [PersistentState("session", GrainStorageNames.Uploads)] IPersistentState<UploadSessionState> stored,
        IChunkStore chunks,
        IOptions<UploadOptions> options,
        IOptions<CleanupOptions> cleanup,
        TimeProvider clock,
        ILogger<UploadSessionGrain> logger)
    {
        _stored = stored;
        _chunks = chunks;
        _options = options.Value;
        _cleanup = cleanup.Value;
        _clock = clock;
        _logger = logger;
        _writer = new StateWriteCoalescer(SaveAsync);
        _watchers = new ObserverManager<IUploadProgressObserver>(WatchDuration, logger);
    }

    public static TimeSpan WatchDuration { get; } = IUploadProgressObserver.WatchDuration;

    private Guid UploadId => this.GetPrimaryKey();

    private DateTimeOffset Now => _clock.GetUtcNow();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _state = _stored.State;
        return base.OnActivateAsync(cancellationToken);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _digest?.Dispose();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public async Task<UploadResult<UploadSnapshot>> InitiateAsync(InitiateUpload request)
    {
        if (_state.Status != UploadStatus.None)
        {
            return Invalid("this upload id is already in use");
        }

        if (ValidateInitiate(request) is { } refusal)
        {
            return refusal;
        }

        var filename = FileNamePolicy.Sanitize(request.Filename) ?? PartFilename;
        long? fileSize = request.FileSize;
        if (request.Kind == UploadKind.Final)
        {
            var parts = await SizeOfPartsAsync(request.Parts ?? []);
            if (parts.Error is { } partError)
            {
                return partError;
            }

            fileSize = parts.Value;
        }

        try
        {
            await _chunks.CreateAsync(UploadId, fileSize);
            if (request.Kind == UploadKind.Final)
            {
                var uploadId = UploadId;
                await Task.Run(() => _chunks.ConcatenateAsync(uploadId, request.Parts!));
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            LogStorageFailure(ex, UploadId);
            return StorageUnavailable();
        }

        var now = Now;
        var chunkSize = request.ChunkSize ?? _options.ChunkSize;
        var chunkCount = fileSize is { } size ? new UploadLayout(size, chunkSize).TotalChunks : 0;
        _state.Status = UploadStatus.Initiated;
        _state.Mode = request.Mode;
        _state.Filename = filename;
        _state.Extension = FileNamePolicy.ExtensionOf(filename);
        _state.ProjectId = request.ProjectId;
        _state.TotalSize = fileSize;
        _state.Kind = request.Kind;
        _state.Parts = request.Parts ?? [];
        _state.Offset = request.Kind == UploadKind.Final ? fileSize!.Value : 0;
        _state.ChunkSize = chunkSize;
        _state.StoredChunks = request.Mode == UploadMode.Chunks ? ChunkBitmap.Create(chunkCount) : [];
        _state.ChunkHashes = request.Mode == UploadMode.Chunks && _options.VerifyStoredChunks ? new byte[chunkCount * UploadSessionState.HashLength] : [];
        _state.ExpectedFileHash = request.FileHash?.ToLowerInvariant();
        _state.MetadataJson = request.MetadataJson;
        _state.CreatedAt = now;
        _state.LastActivityAt = now;
        await _writer.FlushAsync();
        await DeadlineIndex.FileAsync(GrainFactory, UploadId, _state.LastActivityAt + _options.UploadTimeout, _cleanup.BucketWidth);
        Report(UploadEvent.Transition(UploadStatus.None, UploadStatus.Initiated));
        LogInitiated(UploadId, filename, (fileSize ?? 0) / 1024.0 / 1024.0);

        if (_state.AllBytesStored)
        {
            await EnsureCompletionAsync();
        }

        return UploadResult.Ok(Snapshot());
    }

    public Task<UploadLayout?> GetLayoutAsync() =>
        Task.FromResult(_state.Status != UploadStatus.None && _state.Mode == UploadMode.Chunks ? _state.Layout : null);

    public Task<UploadResult<UploadSnapshot>> WatchAsync(IUploadProgressObserver observer)
    {
        if (_state.Status == UploadStatus.None)
        {
            return Task.FromResult<UploadResult<UploadSnapshot>>(NotFound());
        }

        _watchers.Subscribe(observer, observer);
        return Task.FromResult(UploadResult.Ok(Snapshot()));
    }

    public Task UnwatchAsync(IUploadProgressObserver observer)
    {
        _watchers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public async Task<UploadResult<UploadSnapshot>> AssignProjectAsync(string projectId)
    {
        if (RefuseBytes() is { } refusal)
        {
            return refusal;
        }

        _state.ProjectId = projectId;
        await _writer.FlushAsync();
        return UploadResult.Ok(Snapshot());
    }

    public async Task<UploadResult<UploadSnapshot>> GetAsync()
    {
        await ExpireIfIdleAsync();
        return _state.Status == UploadStatus.None ? NotFound() : UploadResult.Ok(Snapshot());
    }

    /// <summary>
    /// Makes the session's end durable before its bytes go: a crash in between leaves a temp file no live session owns,
    /// which the cleanup's orphan sweep removes, never a session that still accepts bytes whose file is gone.
    /// </summary>
    private async Task RecordEndThenDeleteTempDataAsync()
    {
        await _writer.FlushAsync();
        await DeleteTempDataAsync();
    }

    private async Task DeleteTempDataAsync()
    {
        try
        {
            await _chunks.DeleteUploadAsync(UploadId);
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            // Left for the cleanup grain's orphan sweep; the session's status is what matters to clients.
            LogStorageFailure(ex, UploadId);
        }
    }

    private async Task SaveAsync()
    {
        _stored.State = _state.Clone();
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

        // Watchers hear only what is durable.
        if (_watchers.Count > 0)
        {
            var snapshot = Snapshot();
            _watchers.Notify(watcher => watcher.OnProgressAsync(snapshot).Ignore());
        }
    }

    private void Touch()
    {
        var now = Now;
        _state.LastActivityAt = now;
        _state.FirstByteAt ??= now;
        if (_state.Status == UploadStatus.Initiated)
        {
            _state.Status = UploadStatus.Uploading;
            Report(UploadEvent.Transition(UploadStatus.Initiated, UploadStatus.Uploading));
        }
    }

    private void Report(UploadEvent change) =>
        GrainFactory.GetGrain<IUploadStatisticsGrain>(IUploadStatisticsGrain.Key)
            .RecordAsync(_state.Kind == UploadKind.Partial ? change with { From = null, To = null } : change)
            .Ignore();

    private UploadError? ValidateInitiate(InitiateUpload request)
    {
        var filename = FileNamePolicy.Sanitize(request.Filename);
        if (request.Kind == UploadKind.Partial && filename is null)
        {
            // A part is never a video by itself; its final upload names the file.
        }
        else if (filename is null)
        {
            return new UploadError(UploadErrorCode.InvalidFilename, "filename must name a file");
        }
        else if (request.Kind != UploadKind.Partial && !_options.IsAllowedExtension(FileNamePolicy.ExtensionOf(filename)))
        {
            return new UploadError(
                UploadErrorCode.UnsupportedFileType,
                $"'{FileNamePolicy.ExtensionOf(filename)}' files are not accepted; allowed: {string.Join(", ", _options.EffectiveExtensions)}");
        }

        switch (request.FileSize)
        {
            case null when request.Kind == UploadKind.Final:
                break;
            case not null when request.Kind == UploadKind.Final:
                return new UploadError(UploadErrorCode.InvalidFileSize, "a final upload's size is the sum of its parts");
            case null when request.Mode == UploadMode.Chunks:
                return new UploadError(UploadErrorCode.InvalidFileSize, "fileSize is required");
            case < 0:
                return new UploadError(UploadErrorCode.InvalidFileSize, "fileSize cannot be negative");
            case 0 when request.Mode == UploadMode.Chunks:
                return new UploadError(UploadErrorCode.InvalidFileSize, "fileSize must be at least 1 byte");
            case { } size when size > _options.MaxFileSize:
                return FileTooLarge(size);
        }

        if (request.ChunkSize is < UploadOptions.MinChunkSize or > UploadOptions.MaxChunkSizeLimit)
        {
            return new UploadError(
                UploadErrorCode.InvalidChunkSize,
                $"chunkSize must be between {UploadOptions.MinChunkSize} and {UploadOptions.MaxChunkSizeLimit} bytes");
        }

        if (request.FileHash is { } fileHash && !TryParseSha256(fileHash, out _))
        {
            return new UploadError(UploadErrorCode.InvalidFileHash, "fileHash must be a sha256 digest: 64 hexadecimal digits");
        }

        return null;
    }

    private UploadError? RefuseBytes() => _state.Status switch
    {
        UploadStatus.None => NotFound(),
        UploadStatus.Completed => new UploadError(UploadErrorCode.UploadCompleted, "the upload is already complete"),
        UploadStatus.Cancelled => new UploadError(UploadErrorCode.UploadCancelled, "the upload was cancelled"),
        UploadStatus.Expired => new UploadError(UploadErrorCode.UploadExpired, "the upload expired: " + _state.FailureReason),
        UploadStatus.Failed => new UploadError(UploadErrorCode.UploadFailed, "the upload failed: " + _state.FailureReason),
        _ => null,
    };

    private UploadSnapshot Snapshot()
    {
        var uploaded = _state.UploadedBytes;
        var speed = UploadSpeed(uploaded);
        var layout = _state.Layout;
        double? remaining = _state.Status switch
        {
            UploadStatus.Completed => 0,
            _ when _state.Status.AcceptsBytes() && speed > 0 && layout is { } known => (known.TotalSize - uploaded) / speed,
            _ => null,
        };
        return new UploadSnapshot
        {
            UploadId = UploadId,
            Filename = _state.Filename,
            ProjectId = _state.ProjectId,
            TotalSize = _state.TotalSize,
            ChunkSize = _state.ChunkSize,
            TotalChunks = layout?.TotalChunks ?? 0,
            CompletedChunks = _state.CompletedChunks,
            UploadedBytes = uploaded,
            Status = _state.Status,
            MissingChunks = _state.Status.AcceptsBytes() ? MissingChunks() : [],
            FailedChunks = [.. _state.ChunkRetries.Keys.Where(IsMissing).Order()],
            UploadSpeed = Math.Round(speed, 1),
            EstimatedTimeRemaining = remaining is { } seconds ? Math.Round(seconds, 1) : null,
            CreatedAt = _state.CreatedAt,
            LastActivityAt = _state.LastActivityAt,
            ExpiresAt = _state.LastActivityAt + _options.UploadTimeout,
            CompletedAt = _state.CompletedAt,
            FileHash = _state.FileHash,
            MetadataJson = _state.MetadataJson,
            Mode = _state.Mode,
            FailureReason = _state.FailureReason,
            ChunkRetries = _state.TotalRetries,
            Kind = _state.Kind,
            Parts = _state.Parts,
        };
    }

    /// <summary>Bytes per second from the first stored byte to the last activity (or now, while the upload is open).</summary>
    private double UploadSpeed(long uploaded)
    {
        if (_state.FirstByteAt is not { } first || uploaded == 0)
        {
            return 0;
        }

        var end = _state.Status.AcceptsBytes() ? Now : _state.LastActivityAt;
        return uploaded / Math.Max((end - first).TotalSeconds, 0.001);
    }

    private static bool TryParseSha256(string hex, out byte[] hash)
    {
        hash = [];
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        hash = Convert.FromHexString(hex);
        return true;
    }

    private static bool IsStorageFailure(Exception ex) => ex is IOException or UnauthorizedAccessException;

    private static UploadError Invalid(string detail) => new(UploadErrorCode.InvalidRequest, detail);

    private static UploadError NotFound() => new(UploadErrorCode.UploadNotFound, "no upload has this id");

    private static UploadError StorageUnavailable() => new(UploadErrorCode.StorageUnavailable, "the chunk store could not be written; try again");

    private UploadError FileTooLarge(long size) =>
        new(UploadErrorCode.FileTooLarge, $"{size} bytes is more than the {_options.MaxFileSize}-byte limit");

    [LoggerMessage(LogLevel.Information, "Upload session {UploadId} initiated: {Filename} ({SizeMb:F1}MB)")]
    private partial void LogInitiated(Guid uploadId, string filename, double sizeMb);

    [LoggerMessage(LogLevel.Debug, "Chunk {ChunkNumber} uploaded for session {UploadId}")]
    private partial void LogChunkStored(Guid uploadId, int chunkNumber);

    [LoggerMessage(LogLevel.Warning, "Chunk {ChunkNumber} of session {UploadId} rejected: sha256 mismatch")]
    private partial void LogChunkRejected(Guid uploadId, int chunkNumber);

    [LoggerMessage(LogLevel.Warning, "Upload session {UploadId}: {Count} chunk(s) read back corrupt and must be re-sent")]
    private partial void LogCorruptOnDisk(Guid uploadId, int count);

    [LoggerMessage(LogLevel.Information, "Upload session {UploadId} completed as {StorageKey} ({Size} bytes)")]
    private partial void LogCompleted(Guid uploadId, string storageKey, long size);

    [LoggerMessage(LogLevel.Error, "Upload session {UploadId} failed: {Reason}")]
    private partial void LogFailed(Guid uploadId, string reason);

    [LoggerMessage(LogLevel.Information, "Upload session {UploadId} cancelled")]
    private partial void LogCancelled(Guid uploadId);

    [LoggerMessage(LogLevel.Information, "Upload session {UploadId} expired after {Idle} idle")]
    private partial void LogExpired(Guid uploadId, TimeSpan idle);

    [LoggerMessage(LogLevel.Information, "Upload session {UploadId} removed after its retention period")]
    private partial void LogPurged(Guid uploadId);

    [LoggerMessage(LogLevel.Error, "Upload session {UploadId}: chunk store failure")]
    private partial void LogStorageFailure(Exception exception, Guid uploadId);
}
