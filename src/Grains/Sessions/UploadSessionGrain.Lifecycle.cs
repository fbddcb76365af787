using Orleans.Uploads.Grains.Statistics;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>Cancellation, expiry, the cleanup grain's sweep and the removal of ended sessions.</summary>
public sealed partial class UploadSessionGrain
{
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
        await RecordEndThenDeleteTempDataAsync();
        Report(UploadEvent.Transition(from, UploadStatus.Cancelled));
        LogCancelled(UploadId);
        return UploadResult.Ok(Snapshot());
    }

    public async Task<DateTimeOffset?> SweepAsync()
    {
        // All bytes stored but a completion was cut short: finish it rather than expire a whole upload.
        if (_state.AllBytesStored && _state.Status.AcceptsBytes())
        {
            await EnsureCompletionAsync();
        }

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
        await RecordEndThenDeleteTempDataAsync();
        Report(UploadEvent.Transition(from, UploadStatus.Expired));
        LogExpired(UploadId, idle);
        return _state.Status;
    }
}
