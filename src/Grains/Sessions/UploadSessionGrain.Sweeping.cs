using Microsoft.Extensions.Logging;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// <see cref="IUploadSweepGrain"/>: what the cleanup grain asks of a session, and expiry, which every request that
/// touches an idle session applies too (a session past its timeout expires on the next look, sweep or not).
/// </summary>
public sealed partial class UploadSessionGrain
{
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
            case UploadStatus.None when _state.ProjectId is not null:
                // An initiation that reserved quota and died before it was recorded: give the bytes back.
                await ReleaseQuotaAsync();
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

    /// <summary>Expires the session if it has been idle longer than the upload timeout and nothing is under way.</summary>
    private async Task ExpireIfIdleAsync()
    {
        var idle = Now - _state.LastActivityAt;
        var busy = _chunksInFlight.Count > 0 || _completion is not null || _lease.IsBusy;
        if (!_state.Status.AcceptsBytes() || busy || idle <= _options.UploadTimeout)
        {
            return;
        }

        _state.Status = UploadStatus.Expired;
        _state.EndedAt = Now;
        _state.FailureReason = $"idle for {idle:g}, longer than the upload timeout {_options.UploadTimeout:g}";
        await RecordEndThenDeleteTempDataAsync();
        LogExpired(UploadId, idle);
    }

    /// <summary>Removes an ended session's bookkeeping: from now on the upload id is unknown.</summary>
    private async Task PurgeAsync()
    {
        await DeleteTempDataAsync();
        await ReleaseQuotaAsync();
        await _stored.ClearStateAsync();
        _state = new UploadSessionState();
        _stored.State = _state;
        LogPurged(UploadId);
        DeactivateOnIdle();
    }

    [LoggerMessage(LogLevel.Information, "Upload session {UploadId} expired after {Idle} idle")]
    private partial void LogExpired(Guid uploadId, TimeSpan idle);

    [LoggerMessage(LogLevel.Information, "Upload session {UploadId} removed after its retention period")]
    private partial void LogPurged(Guid uploadId);
}
