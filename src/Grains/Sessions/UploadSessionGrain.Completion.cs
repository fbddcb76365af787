using Microsoft.Extensions.Logging;
using Orleans.Uploads.Grains.Storage;
using Orleans.Uploads.Grains.Videos;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary><see cref="IUploadCompletionGrain"/>: the file's sha256, promotion into final storage, the video record.</summary>
public sealed partial class UploadSessionGrain
{
    // The completion under way or done; a completed upload keeps its finished task, so completing again is free.
    private Task<UploadResult<VideoRecord>>? _completion;

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
            var missing = _state.MissingChunks();
            return new UploadError(UploadErrorCode.MissingChunks, $"{missing.Length} chunk(s) are not stored yet", missing, _state.Offset);
        }

        return await EnsureCompletionAsync();
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
        if (NeedsFileHash)
        {
            byte[] hash;
            try
            {
                if (VerifiesStoredChunks)
                {
                    var digest = await Digest.ReadBackAsync(layout.ChunkSize);
                    if (await ForgetCorruptChunksAsync(layout, digest) is { } corrupt)
                    {
                        return corrupt;
                    }

                    hash = digest.FileHash;
                }
                else
                {
                    hash = await Digest.HashOfFirstAsync(layout.TotalSize);
                }
            }
            catch (Exception ex) when (SessionErrors.IsStorageFailure(ex))
            {
                return StorageFailed(ex);
            }

            fileHash = Convert.ToHexStringLower(hash);
            if (_state.ExpectedFileHash is { } expected && expected != fileHash)
            {
                return await FailAsync(UploadErrorCode.FileHashMismatch, $"the file's sha256 is {fileHash}, not the fileHash {expected} given at initiation");
            }
        }

        string storageKey;
        try
        {
            storageKey = await _videos.PromoteAsync(UploadId, _state.Extension);
        }
        catch (Exception ex) when (SessionErrors.IsStorageFailure(ex))
        {
            return StorageFailed(ex);
        }

        var video = await GrainFactory.GetGrain<IVideoGrain>(UploadId).RegisterAsync(new VideoRecord
        {
            Id = UploadId,
            UploadId = UploadId,
            ProjectId = ProjectIds.OrDefault(_state.ProjectId),
            Filename = storageKey,
            OriginalName = _state.Filename,
            Size = layout.TotalSize,
            CreatedAt = Now,
            FileHash = fileHash,
            MetadataJson = _state.MetadataJson,
        });
        _state.Status = UploadStatus.Completed;
        _state.CompletedAt = video.CreatedAt;
        _state.FileHash = fileHash;
        Touch();
        await _writer.FlushAsync();
        await GiveBackQuotaAsync();
        LogCompleted(UploadId, storageKey, layout.TotalSize);
        foreach (var part in _state.Parts)
        {
            GrainFactory.GetGrain<IUploadPartGrain>(part).ReleasePartAsync().Ignore();
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
        LogCorruptOnDisk(UploadId, corrupt.Length);
        return new UploadError(UploadErrorCode.MissingChunks, $"{corrupt.Length} chunk(s) read back differently than written; send them again", corrupt);
    }

    private async Task<UploadError> FailAsync(UploadErrorCode code, string reason)
    {
        _state.Status = UploadStatus.Failed;
        _state.EndedAt = Now;
        _state.FailureCode = code;
        _state.FailureReason = reason;
        await RecordEndThenDeleteTempDataAsync();
        LogFailed(UploadId, reason);
        return new UploadError(code, reason);
    }

    [LoggerMessage(LogLevel.Warning, "Upload session {UploadId}: {Count} chunk(s) read back corrupt and must be re-sent")]
    private partial void LogCorruptOnDisk(Guid uploadId, int count);

    [LoggerMessage(LogLevel.Information, "Upload session {UploadId} completed as {StorageKey} ({Size} bytes)")]
    private partial void LogCompleted(Guid uploadId, string storageKey, long size);

    [LoggerMessage(LogLevel.Error, "Upload session {UploadId} failed: {Reason}")]
    private partial void LogFailed(Guid uploadId, string reason);
}
