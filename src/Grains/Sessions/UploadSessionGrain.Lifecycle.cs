using Microsoft.Extensions.Logging;
using Orleans.Uploads.Grains.Cleanup;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary><see cref="IUploadSessionGrain"/>: starting an upload, reading it, filing it under a project, cancelling it.</summary>
public sealed partial class UploadSessionGrain
{
    public async Task<UploadResult<UploadSnapshot>> InitiateAsync(InitiateUpload request)
    {
        if (_state.Status != UploadStatus.None)
        {
            return SessionErrors.Invalid("this upload id is already in use");
        }

        if (InitiateRules.Validate(request, _options) is { } refusal)
        {
            return refusal;
        }

        await RegisterForStatisticsAsync();
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

        if (await ReserveForInitiationAsync(request, fileSize ?? 0) is { } overQuota)
        {
            await AbandonInitiationAsync();
            return overQuota;
        }

        try
        {
            await _uploads.CreateAsync(UploadId, fileSize);
            if (request.Kind == UploadKind.Final)
            {
                await ConcatenatePartsAsync(request.Parts!);
                if (await RefuseConcatenatedContentAsync(FileNamePolicy.ExtensionOf(FileNamePolicy.Sanitize(request.Filename)!)) is { } mismatch)
                {
                    // Nothing was recorded: the parts stay finished and usable, this upload's copy of them goes.
                    await DeleteTempDataAsync();
                    return mismatch;
                }
            }
        }
        catch (Exception ex) when (SessionErrors.IsStorageFailure(ex))
        {
            await AbandonInitiationAsync();
            return StorageFailed(ex);
        }

        RecordInitiation(request, fileSize);
        await _writer.FlushAsync();
        await DeadlineIndex.FileAsync(GrainFactory, UploadId, _state.LastActivityAt + _options.UploadTimeout, _cleanup.BucketWidth);
        LogInitiated(UploadId, _state.Filename, (fileSize ?? 0) / 1024.0 / 1024.0);

        if (_state.AllBytesStored)
        {
            await EnsureCompletionAsync();
        }

        return UploadResult.Ok(Snapshot());
    }

    public async Task<UploadResult<UploadSnapshot>> GetAsync()
    {
        await ExpireIfIdleAsync();
        return _state.Status == UploadStatus.None ? SessionErrors.NotFound() : UploadResult.Ok(Snapshot());
    }

    public async Task<UploadResult<UploadSnapshot>> AssignProjectAsync(string projectId)
    {
        if (RefuseBytes() is { } refusal)
        {
            return refusal;
        }

        if (await MoveQuotaToProjectAsync(projectId) is { } overQuota)
        {
            return overQuota;
        }

        _state.ProjectId = projectId;
        await _writer.FlushAsync();
        return UploadResult.Ok(Snapshot());
    }

    public Task<UploadResult<UploadSnapshot>> CancelAsync() => CancelCoreAsync(refuseEnded: false);

    public async Task<UploadResult<UploadSnapshot>> TerminateAsync()
    {
        await ExpireIfIdleAsync();
        if (_completion is { } running)
        {
            await running;
        }

        return _state.Status == UploadStatus.Completed ? await RemoveFinishedAsync() : await CancelCoreAsync(refuseEnded: true);
    }

    private async Task<UploadResult<UploadSnapshot>> CancelCoreAsync(bool refuseEnded)
    {
        switch (_state.Status)
        {
            case UploadStatus.None:
                return SessionErrors.NotFound();
            case UploadStatus.Cancelled or UploadStatus.Expired or UploadStatus.Failed:
                return refuseEnded ? RefuseBytes()! : UploadResult.Ok(Snapshot());
        }

        if (_completion is { } running)
        {
            await running;
        }

        if (_state.Status == UploadStatus.Completed)
        {
            return new UploadError(UploadErrorCode.UploadCompleted, "the upload is complete; it is a video now and cannot be cancelled");
        }

        _state.Status = UploadStatus.Cancelled;
        _state.EndedAt = Now;

        // Let writes already under way land before their file is removed.
        await Task.WhenAll(_chunksInFlight.Values);
        await _lease.DrainAsync();
        await RecordEndThenDeleteTempDataAsync();
        LogCancelled(UploadId);
        return UploadResult.Ok(Snapshot());
    }

    private void RecordInitiation(InitiateUpload request, long? fileSize)
    {
        var now = Now;
        var filename = FileNamePolicy.Sanitize(request.Filename) ?? InitiateRules.PartFilename;
        var chunkSize = request.ChunkSize ?? _options.ChunkSize;
        var chunkCount = fileSize is { } size ? new UploadLayout(size, chunkSize).TotalChunks : 0;
        var chunked = request.Mode == UploadMode.Chunks;
        _state.Status = UploadStatus.Initiated;
        _state.Mode = request.Mode;
        _state.Filename = filename;
        _state.Extension = FileNamePolicy.ExtensionOf(filename);
        _state.ProjectId = ProjectIds.OrDefault(request.ProjectId);
        _state.CallerId = request.CallerId;
        _state.Protocol = request.Protocol;
        _state.TotalSize = fileSize;
        _state.Kind = request.Kind;
        _state.Parts = request.Parts ?? [];
        _state.Offset = request.Kind == UploadKind.Final ? fileSize!.Value : 0;
        _state.ChunkSize = chunkSize;
        _state.StoredChunks = chunked ? ChunkBitmap.Create(chunkCount) : [];
        _state.ChunkHashes = chunked && _options.VerifyStoredChunks ? new byte[chunkCount * UploadSessionState.HashLength] : [];
        _state.ExpectedFileHash = request.FileHash?.ToLowerInvariant();
        _state.MetadataJson = request.MetadataJson;
        _state.CreatedAt = now;
        _state.LastActivityAt = now;
    }

    [LoggerMessage(LogLevel.Information, "Upload session {UploadId} initiated: {Filename} ({SizeMb:F1}MB)")]
    private partial void LogInitiated(Guid uploadId, string filename, double sizeMb);

    [LoggerMessage(LogLevel.Information, "Upload session {UploadId} cancelled")]
    private partial void LogCancelled(Guid uploadId);
}
