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

    public static TimeSpan WatchDuration { get; } = TimeSpan.FromMinutes(1);

    private Guid UploadId => this.GetPrimaryKey();

    private DateTimeOffset Now => _clock.GetUtcNow();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _state = _stored.State;
        return base.OnActivateAsync(cancellationToken);
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
        _state.ChunkHashes = request.Mode == UploadMode.Chunks ? new byte[chunkCount * UploadSessionState.HashLength] : [];
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

    public async Task<UploadResult<ChunkReceipt>> PutChunkAsync(int chunkNumber, ChunkPayload payload, string? sha256Hex)
    {
        await ExpireIfIdleAsync();
        byte[]? expectedHash = null;
        if (sha256Hex is not null && !TryParseSha256(sha256Hex, out expectedHash))
        {
            return new UploadError(UploadErrorCode.InvalidChunkHash, "X-Chunk-Hash must be a sha256 digest: 64 hexadecimal digits");
        }

        UploadLayout layout;
        while (true)
        {
            if (RefuseBytes() is { } refusal)
            {
                return refusal;
            }

            if (_state.Mode != UploadMode.Chunks || _state.Layout is not { } known)
            {
                return new UploadError(UploadErrorCode.WrongUploadMode, "this upload takes appends at an offset, not numbered chunks");
            }

            layout = known;
            if (!layout.Contains(chunkNumber))
            {
                return new UploadError(UploadErrorCode.ChunkOutOfRange, $"chunk {chunkNumber} is outside 0..{layout.TotalChunks - 1}");
            }

            if (payload.Data.Length != layout.LengthOf(chunkNumber))
            {
                return new UploadError(UploadErrorCode.ChunkSizeMismatch, $"chunk {chunkNumber} must be {layout.LengthOf(chunkNumber)} bytes, got {payload.Data.Length}");
            }

            // The same chunk twice at once: judge the second against whatever the first one left.
            if (!_chunksInFlight.TryGetValue(chunkNumber, out var earlier))
            {
                break;
            }

            await earlier;
        }

        if (ChunkBitmap.IsSet(_state.StoredChunks, chunkNumber))
        {
            return await JudgeResendAsync(chunkNumber, payload, expectedHash);
        }

        if (_chunksInFlight.Count >= _options.MaxConcurrentChunks)
        {
            return new UploadError(UploadErrorCode.TooManyConcurrentChunks, $"at most {_options.MaxConcurrentChunks} chunks of one upload may be in flight");
        }

        var done = new TaskCompletionSource();
        _chunksInFlight[chunkNumber] = done.Task;
        try
        {
            return await StoreChunkAsync(chunkNumber, layout, payload, expectedHash);
        }
        finally
        {
            _chunksInFlight.Remove(chunkNumber);
            done.SetResult();
        }
    }

    public async Task<UploadResult<AppendLease>> BeginAppendAsync(long offset)
    {
        await ExpireIfIdleAsync();
        await _appendGate.WaitAsync();
        try
        {
            if (RefuseAppend() is { } refusal)
            {
                return refusal;
            }

            // Whoever held the upload before is superseded, whether or not this request may write.
            _lease = Guid.NewGuid();
            _leasePosition = _state.Offset;
            if (offset != _state.Offset)
            {
                return OffsetMismatch(offset);
            }

            _state.LastActivityAt = Now;
            return UploadResult.Ok(new AppendLease(_lease.Value, _state.Offset, _state.TotalSize));
        }
        finally
        {
            _appendGate.Release();
        }
    }

    public async Task<UploadResult<AppendProgress>> AppendAsync(Guid lease, ChunkPayload payload, bool commit)
    {
        await _appendGate.WaitAsync();
        try
        {
            if (RefuseAppend() is { } refusal)
            {
                return refusal;
            }

            if (_lease != lease)
            {
                return new UploadError(UploadErrorCode.AppendSuperseded, "a newer request took over this upload", CurrentOffset: _state.Offset);
            }

            var end = _leasePosition + payload.Data.Length;
            if (_state.TotalSize is { } total && end > total)
            {
                return new UploadError(UploadErrorCode.LengthMismatch, $"{end} bytes would exceed the declared length {total}", CurrentOffset: _state.Offset);
            }

            if (end > _options.MaxFileSize)
            {
                return FileTooLarge(end);
            }

            if (!payload.Data.IsEmpty)
            {
                try
                {
                    await _chunks.WriteAsync(UploadId, _leasePosition, payload.Data);
                }
                catch (Exception ex) when (IsStorageFailure(ex))
                {
                    LogStorageFailure(ex, UploadId);
                    return StorageUnavailable();
                }
            }

            if (RefuseBytes() is { } lateRefusal)
            {
                return lateRefusal;
            }

            _leasePosition = end;
            _state.LastActivityAt = Now;
            if (commit)
            {
                await CommitLeaseAsync();
            }

            return UploadResult.Ok(new AppendProgress(_state.Offset, _leasePosition, _state.Status));
        }
        finally
        {
            _appendGate.Release();
        }
    }

    public async Task<UploadResult<UploadSnapshot>> CommitAppendAsync(Guid lease)
    {
        await _appendGate.WaitAsync();
        try
        {
            if (RefuseAppend() is { } refusal)
            {
                return refusal;
            }

            if (_lease != lease)
            {
                return new UploadError(UploadErrorCode.AppendSuperseded, "a newer request took over this upload", CurrentOffset: _state.Offset);
            }

            await CommitLeaseAsync();
            return UploadResult.Ok(Snapshot());
        }
        finally
        {
            _appendGate.Release();
        }
    }

    public async Task EndAppendAsync(Guid? lease)
    {
        await _appendGate.WaitAsync();
        try
        {
            if (lease is null || _lease == lease)
            {
                _lease = null;
                _leasePosition = _state.Offset;
            }
        }
        finally
        {
            _appendGate.Release();
        }
    }

    public Task<PartInfo> DescribePartAsync() => Task.FromResult(
        _state.Kind != UploadKind.Partial ? new PartInfo(false, 0, "it is not a partial upload")
        : _state.PartReleased ? new PartInfo(false, 0, "it was already concatenated")
        : _state.Status != UploadStatus.Completed ? new PartInfo(false, 0, "it is not finished")
        : new PartInfo(true, _state.TotalSize!.Value, ""));

    public async Task ReleasePartAsync()
    {
        if (_state.Kind != UploadKind.Partial || _state.PartReleased)
        {
            return;
        }

        _state.PartReleased = true;
        await DeleteTempDataAsync();
        await _writer.FlushAsync();
    }

    /// <summary>Makes the open lease's written bytes durable; completes the upload when they are the last.</summary>
    private async Task CommitLeaseAsync()
    {
        var added = _leasePosition - _state.Offset;
        if (added == 0)
        {
            return;
        }

        _state.Offset = _leasePosition;
        Touch();
        await _writer.FlushAsync();
        Report(new UploadEvent { BytesReceived = added, ChunksReceived = 1 });
        if (_state.AllBytesStored)
        {
            await EnsureCompletionAsync();
        }
    }

    public async Task<UploadResult<UploadSnapshot>> DeclareLengthAsync(long totalSize)
    {
        await ExpireIfIdleAsync();
        await _appendGate.WaitAsync();
        try
        {
            if (RefuseAppend() is { } refusal)
            {
                return refusal;
            }

            if (_state.TotalSize is { } declared)
            {
                return declared == totalSize
                    ? UploadResult.Ok(Snapshot())
                    : new UploadError(UploadErrorCode.LengthMismatch, $"the length is already declared as {declared}");
            }

            if (totalSize < _state.Offset)
            {
                return new UploadError(UploadErrorCode.LengthMismatch, $"{_state.Offset} bytes are already stored, more than {totalSize}", CurrentOffset: _state.Offset);
            }

            if (totalSize > _options.MaxFileSize)
            {
                return FileTooLarge(totalSize);
            }

            _state.TotalSize = totalSize;
            await _writer.FlushAsync();
            if (_state.AllBytesStored)
            {
                await EnsureCompletionAsync();
            }

            return UploadResult.Ok(Snapshot());
        }
        finally
        {
            _appendGate.Release();
        }
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

    public async Task<UploadResult<VideoRecord>> CompleteAsync()
    {
        await ExpireIfIdleAsync();
        switch (_state.Status)
        {
            case UploadStatus.Completed when _state.Kind == UploadKind.Partial:
                return new UploadError(UploadErrorCode.WrongUploadMode, "a partial upload becomes part of a final upload, not a video");
            case UploadStatus.Completed:
                return UploadResult.Ok((await GrainFactory.GetGrain<IVideoGrain>(UploadId).GetAsync())!);
            case UploadStatus.Failed when _state.FailureCode == UploadErrorCode.FileHashMismatch:
                return new UploadError(UploadErrorCode.FileHashMismatch, _state.FailureReason ?? "the file's sha256 does not match fileHash");
        }

        if (RefuseBytes() is { } refusal)
        {
            return refusal;
        }

        if (!_state.AllBytesStored)
        {
            var missing = MissingChunks();
            return new UploadError(UploadErrorCode.MissingChunks, $"{missing.Length} chunk(s) are not stored yet", missing, _state.Offset);
        }

        return await EnsureCompletionAsync();
    }

    public async Task<UploadResult<UploadSnapshot>> CancelAsync()
    {
        switch (_state.Status)
        {
            case UploadStatus.None:
                return NotFound();
            case UploadStatus.Cancelled or UploadStatus.Expired or UploadStatus.Failed:
                return UploadResult.Ok(Snapshot());
        }

        if (_completion is { } running)
        {
            await running;
        }

        if (_state.Status == UploadStatus.Completed)
        {
            return new UploadError(UploadErrorCode.UploadCompleted, "the upload is complete; it is a video now and cannot be cancelled");
        }

        var from = _state.Status;
        _state.Status = UploadStatus.Cancelled;
        _state.EndedAt = Now;

        // Let writes already under way land before their file is removed.
        await Task.WhenAll(_chunksInFlight.Values);
        await _appendGate.WaitAsync();
        _appendGate.Release();
        await DeleteTempDataAsync();
        await _writer.FlushAsync();
        Report(UploadEvent.Transition(from, UploadStatus.Cancelled));
        LogCancelled(UploadId);
        return UploadResult.Ok(Snapshot());
    }

    public async Task<DateTimeOffset?> SweepAsync()
    {
        await ExpireIfIdleAsync();
        var now = Now;
        switch (_state.Status)
        {
            case UploadStatus.Initiated or UploadStatus.Uploading:
                return _state.LastActivityAt + _options.UploadTimeout;
            case UploadStatus.Completed when _state.Kind == UploadKind.Partial && !_state.PartReleased:
                if (now - _state.LastActivityAt <= _options.UploadTimeout)
                {
                    return _state.LastActivityAt + _options.UploadTimeout;
                }

                // No final upload claimed this part in time.
                await ReleasePartAsync();
                return null;
            case UploadStatus.Cancelled or UploadStatus.Expired or UploadStatus.Failed:
                var ended = _state.EndedAt ?? _state.LastActivityAt;
                if (now - ended < _cleanup.Retention)
                {
                    return ended + _cleanup.Retention;
                }

                await PurgeAsync();
                return null;
            default:
                return null;
        }
    }

    public Task<bool> OwnsTempDataAsync() => Task.FromResult(
        _state.Status.AcceptsBytes()
        || (_state.Status == UploadStatus.Completed && _state.Kind == UploadKind.Partial && !_state.PartReleased)
        || _completion is not null);

    /// <summary>Removes an ended session's bookkeeping: from now on the upload id is unknown.</summary>
    private async Task PurgeAsync()
    {
        await DeleteTempDataAsync();
        await _stored.ClearStateAsync();
        _state = new UploadSessionState();
        _stored.State = _state;
        LogPurged(UploadId);
        DeactivateOnIdle();
    }

    public async Task<UploadStatus> ExpireIfIdleAsync()
    {
        var idle = Now - _state.LastActivityAt;
        var busy = _chunksInFlight.Count > 0 || _completion is not null || _appendGate.CurrentCount == 0;
        if (!_state.Status.AcceptsBytes() || busy || idle <= _options.UploadTimeout)
        {
            return _state.Status;
        }

        var from = _state.Status;
        _state.Status = UploadStatus.Expired;
        _state.EndedAt = Now;
        _state.FailureReason = $"idle for {idle:g}, longer than the upload timeout {_options.UploadTimeout:g}";
        await DeleteTempDataAsync();
        await _writer.FlushAsync();
        Report(UploadEvent.Transition(from, UploadStatus.Expired));
        LogExpired(UploadId, idle);
        return _state.Status;
    }

    private async Task<UploadResult<ChunkReceipt>> StoreChunkAsync(int chunkNumber, UploadLayout layout, ChunkPayload payload, byte[]? expectedHash)
    {
        var hash = await HashAsync(payload);
        if (expectedHash is not null && !hash.AsSpan().SequenceEqual(expectedHash))
        {
            return await RejectCorruptChunkAsync(chunkNumber, hash);
        }

        try
        {
            await _chunks.WriteAsync(UploadId, layout.OffsetOf(chunkNumber), payload.Data);
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            _state.CountRetry(chunkNumber);
            Report(new UploadEvent { ChunksRejected = 1 });
            LogStorageFailure(ex, UploadId);
            return StorageUnavailable();
        }

        // Cancelled or expired while the bytes were being written: they are not part of any upload now.
        if (RefuseBytes() is { } refusal)
        {
            return refusal;
        }

        ChunkBitmap.Set(_state.StoredChunks, chunkNumber);
        hash.CopyTo(_state.ChunkHashes.AsSpan(chunkNumber * UploadSessionState.HashLength));
        Touch();
        await _writer.FlushAsync();
        Report(new UploadEvent { BytesReceived = payload.Data.Length, ChunksReceived = 1 });
        LogChunkStored(UploadId, chunkNumber);
        if (_state.AllBytesStored)
        {
            await EnsureCompletionAsync();
        }

        return UploadResult.Ok(Receipt(chunkNumber, alreadyStored: false));
    }

    private async Task<UploadResult<ChunkReceipt>> JudgeResendAsync(int chunkNumber, ChunkPayload payload, byte[]? expectedHash)
    {
        var hash = await HashAsync(payload);
        if (expectedHash is not null && !hash.AsSpan().SequenceEqual(expectedHash))
        {
            return await RejectCorruptChunkAsync(chunkNumber, hash);
        }

        return hash.AsSpan().SequenceEqual(_state.HashOf(chunkNumber))
            ? UploadResult.Ok(Receipt(chunkNumber, alreadyStored: true))
            : new UploadError(UploadErrorCode.ChunkConflict, $"chunk {chunkNumber} is already stored with different content");
    }

    private async Task<UploadError> RejectCorruptChunkAsync(int chunkNumber, byte[] actualHash)
    {
        _state.CountRetry(chunkNumber);
        await _writer.FlushAsync();
        Report(new UploadEvent { ChunksRejected = 1 });
        LogChunkRejected(UploadId, chunkNumber);
        return new UploadError(
            UploadErrorCode.ChunkHashMismatch,
            $"chunk {chunkNumber} arrived with sha256 {Convert.ToHexStringLower(actualHash)}, which is not its X-Chunk-Hash; send it again");
    }

    private Task<UploadResult<VideoRecord>> EnsureCompletionAsync() => _completion ??= CompleteOnceAsync();

    private async Task<UploadResult<VideoRecord>> CompleteOnceAsync()
    {
        await Task.Yield();
        try
        {
            return await RunCompletionAsync();
        }
        finally
        {
            // A completed upload keeps its finished task; anything else may be tried again.
            if (_state.Status != UploadStatus.Completed)
            {
                _completion = null;
            }
        }
    }

    private async Task<UploadResult<VideoRecord>> RunCompletionAsync()
    {
        var layout = _state.Layout!.Value;
        if (_state.Kind == UploadKind.Partial)
        {
            return await CompletePartAsync();
        }

        string? fileHash = null;
        if (_options.EnableIntegrityCheck || _state.ExpectedFileHash is not null)
        {
            UploadDigest digest;
            try
            {
                digest = await ReadBackAsync(layout);
            }
            catch (Exception ex) when (IsStorageFailure(ex))
            {
                LogStorageFailure(ex, UploadId);
                return StorageUnavailable();
            }

            if (_state.Mode == UploadMode.Chunks && await ForgetCorruptChunksAsync(layout, digest) is { } corrupt)
            {
                return corrupt;
            }

            fileHash = Convert.ToHexStringLower(digest.FileHash);
            if (_state.ExpectedFileHash is { } expected && expected != fileHash)
            {
                return await FailAsync(UploadErrorCode.FileHashMismatch, $"the file's sha256 is {fileHash}, not the fileHash {expected} given at initiation");
            }
        }

        string storageKey;
        try
        {
            storageKey = await _chunks.PromoteAsync(UploadId, _state.Extension);
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            LogStorageFailure(ex, UploadId);
            return StorageUnavailable();
        }

        var video = await GrainFactory.GetGrain<IVideoGrain>(UploadId).RegisterAsync(new VideoRecord
        {
            Id = UploadId,
            UploadId = UploadId,
            ProjectId = _state.ProjectId,
            Filename = storageKey,
            OriginalName = _state.Filename,
            Size = layout.TotalSize,
            CreatedAt = Now,
            FileHash = fileHash,
            MetadataJson = _state.MetadataJson,
        });
        if (_state.ProjectId is { } projectId)
        {
            await GrainFactory.GetGrain<IProjectVideosGrain>(projectId).AddAsync(video);
        }

        var from = _state.Status;
        _state.Status = UploadStatus.Completed;
        _state.CompletedAt = video.CreatedAt;
        _state.FileHash = fileHash;
        Touch();
        await _writer.FlushAsync();
        var activeSeconds = (video.CreatedAt - (_state.FirstByteAt ?? _state.CreatedAt)).TotalSeconds;
        Report(new UploadEvent { From = from, To = UploadStatus.Completed, CompletedBytes = layout.TotalSize, CompletedSeconds = activeSeconds });
        LogCompleted(UploadId, storageKey, layout.TotalSize);
        foreach (var part in _state.Parts)
        {
            GrainFactory.GetGrain<IUploadSessionGrain>(part).ReleasePartAsync().Ignore();
        }

        return UploadResult.Ok(video);
    }

    /// <summary>A finished part keeps its bytes in temp storage until a final upload concatenates it.</summary>
    private async Task<UploadResult<VideoRecord>> CompletePartAsync()
    {
        _state.Status = UploadStatus.Completed;
        _state.CompletedAt = Now;
        await _writer.FlushAsync();
        return new UploadError(UploadErrorCode.WrongUploadMode, "a partial upload becomes part of a final upload, not a video");
    }

    private Task<UploadDigest> ReadBackAsync(UploadLayout layout)
    {
        var withChunkHashes = _state.Mode == UploadMode.Chunks;
        var uploadId = UploadId;
        var extension = _state.Extension;

        // Hashing a large file is long CPU and I/O work: run it off the grain's scheduler.
        return Task.Run(async () =>
        {
            await using var content = _chunks.OpenUploadRead(uploadId, extension);
            return await UploadDigest.ComputeAsync(content, layout.ChunkSize, withChunkHashes, CancellationToken.None);
        });
    }

    /// <summary>Chunks whose bytes read back differently than they were written are forgotten, so the client re-sends them.</summary>
    private async Task<UploadError?> ForgetCorruptChunksAsync(UploadLayout layout, UploadDigest digest)
    {
        var corrupt = Enumerable.Range(0, layout.TotalChunks)
            .Where(chunk => !digest.ChunkHashes.AsSpan(chunk * UploadSessionState.HashLength, UploadSessionState.HashLength).SequenceEqual(_state.HashOf(chunk)))
            .ToArray();
        if (corrupt.Length == 0)
        {
            return null;
        }

        foreach (var chunk in corrupt)
        {
            ChunkBitmap.Clear(_state.StoredChunks, chunk);
            _state.CountRetry(chunk);
        }

        await _writer.FlushAsync();
        Report(new UploadEvent { ChunksRejected = corrupt.Length });
        LogCorruptOnDisk(UploadId, corrupt.Length);
        return new UploadError(UploadErrorCode.MissingChunks, $"{corrupt.Length} chunk(s) read back differently than written; send them again", corrupt);
    }

    private async Task<UploadError> FailAsync(UploadErrorCode code, string reason)
    {
        var from = _state.Status;
        _state.Status = UploadStatus.Failed;
        _state.EndedAt = Now;
        _state.FailureCode = code;
        _state.FailureReason = reason;
        await DeleteTempDataAsync();
        await _writer.FlushAsync();
        Report(UploadEvent.Transition(from, UploadStatus.Failed));
        LogFailed(UploadId, reason);
        return new UploadError(code, reason);
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

    private UploadError? RefuseAppend() =>
        _state.Kind == UploadKind.Final
            ? new UploadError(UploadErrorCode.WrongUploadMode, "a final upload is assembled from its parts and takes no bytes of its own")
            : RefuseBytes() ?? (_state.Mode != UploadMode.Append
                ? new UploadError(UploadErrorCode.WrongUploadMode, "this upload takes numbered chunks, not appends")
                : null);

    private UploadError OffsetMismatch(long offset) =>
        new(UploadErrorCode.OffsetMismatch, $"offset {offset} does not match the stored length {_state.Offset}", CurrentOffset: _state.Offset);

    private const string PartFilename = "part";

    /// <summary>The total size of a final upload's parts, each of which must be a finished partial upload.</summary>
    private async Task<UploadResult<long>> SizeOfPartsAsync(Guid[] parts)
    {
        if (parts.Length == 0)
        {
            return Invalid("a final upload needs at least one partial upload");
        }

        long total = 0;
        foreach (var part in parts)
        {
            var info = await GrainFactory.GetGrain<IUploadSessionGrain>(part).DescribePartAsync();
            if (!info.IsUsable)
            {
                return Invalid($"upload {part:N} cannot be concatenated: {info.Reason}");
            }

            total += info.Size;
        }

        return total > _options.MaxFileSize ? FileTooLarge(total) : UploadResult.Ok(total);
    }

    private int[] MissingChunks() => _state.Layout is not { } layout
        ? []
        : _state.Mode == UploadMode.Chunks
            ? ChunkBitmap.Missing(_state.StoredChunks, layout.TotalChunks)
            : [.. Enumerable.Range(layout.ChunksBelow(_state.Offset), layout.TotalChunks - layout.ChunksBelow(_state.Offset))];

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

    private bool IsMissing(int chunk) =>
        _state.Mode != UploadMode.Chunks || chunk >= _state.StoredChunks.Length * 8 || !ChunkBitmap.IsSet(_state.StoredChunks, chunk);

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

    private ChunkReceipt Receipt(int chunkNumber, bool alreadyStored) => new(
        UploadId, chunkNumber, _state.CompletedChunks, _state.Layout?.TotalChunks ?? 0, _state.UploadedBytes, _state.TotalSize ?? 0, _state.Status, alreadyStored);

    private static Task<byte[]> HashAsync(ChunkPayload payload) =>
        Task.Run(() => SHA256.HashData(payload.Data.Span));

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
