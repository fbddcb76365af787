using Orleans.Uploads.Grains.Cleanup;
using Orleans.Uploads.Grains.Quotas;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// Quotas: the bytes this upload may hold on disk while unfinished, reserved in its project's and its caller's ledger
/// (the declared size at initiate; for an unknown length, in steps as bytes arrive) and released when it ends however it
/// ends. Reservations are set, not added, per upload id, so a retry, a reactivation or a second release is harmless.
/// </summary>
public sealed partial class UploadSessionGrain
{
    /// <summary>An upload of unknown length reserves this much more each time its bytes pass what it holds.</summary>
    public const long UnknownLengthReservationStep = 64L * 1024 * 1024;

    // What this activation has reserved; after a reactivation it starts at 0 and the next reservation (idempotent) re-sets it.
    private long _quotaReserved;

    private bool QuotasAreOn => _options.MaxUnfinishedBytesPerProject > 0 || _options.MaxUnfinishedBytesPerCaller > 0;

    /// <summary>Reserves <paramref name="bytes"/> for this upload in every ledger it counts against; the refusal when one is full.</summary>
    private async Task<UploadError?> ReserveQuotaAsync(long bytes)
    {
        if (!QuotasAreOn || bytes <= _quotaReserved)
        {
            return null;
        }

        foreach (var (ledger, limit, whose) in Ledgers())
        {
            if (!await GrainFactory.GetGrain<IQuotaLedgerGrain>(ledger).TryReserveAsync(UploadId, bytes, limit))
            {
                // A ledger earlier in the list may now hold the larger amount; it is given back when the upload ends.
                return new UploadError(
                    UploadErrorCode.QuotaExceeded,
                    $"{whose} may hold at most {limit} bytes in unfinished uploads; finish or cancel some first");
            }
        }

        _quotaReserved = bytes;
        return null;
    }

    /// <summary>
    /// For bytes of unknown total up to <paramref name="end"/>: when they pass what is held, reserves a step ahead (one
    /// ledger call per step, not per piece), or, near a quota, exactly up to <paramref name="end"/>.
    /// </summary>
    private async Task<UploadError?> ReserveQuotaUpToAsync(long end)
    {
        if (end <= _quotaReserved || _state.TotalSize is not null)
        {
            return null;
        }

        var ahead = Math.Max(end, Math.Min(_quotaReserved + UnknownLengthReservationStep, _options.MaxFileSize));
        var refusal = await ReserveQuotaAsync(ahead);
        return refusal is not null && ahead > end ? await ReserveQuotaAsync(end) : refusal;
    }

    /// <summary>Gives this upload's bytes back to every ledger; called once its end is durable (and again harmlessly).</summary>
    private async Task ReleaseQuotaAsync()
    {
        if (!QuotasAreOn)
        {
            return;
        }

        await Task.WhenAll(Ledgers().Select(entry => GrainFactory.GetGrain<IQuotaLedgerGrain>(entry.Ledger).ReleaseAsync(UploadId)));
        _quotaReserved = 0;
    }

    /// <summary>Moves the reservation to another project's ledger (the legacy form may name its project after the file).</summary>
    private async Task<UploadError?> MoveQuotaToProjectAsync(string projectId)
    {
        if (_options.MaxUnfinishedBytesPerProject == 0 || projectId == ProjectIds.OrDefault(_state.ProjectId))
        {
            return null;
        }

        // What the old ledger may hold, even if an earlier activation reserved it.
        var moved = _state.TotalSize ?? Math.Max(_quotaReserved, _state.Offset);
        if (!await GrainFactory.GetGrain<IQuotaLedgerGrain>(QuotaLedgers.ForProject(projectId)).TryReserveAsync(UploadId, moved, _options.MaxUnfinishedBytesPerProject))
        {
            return new UploadError(UploadErrorCode.QuotaExceeded, $"project {projectId} may hold at most {_options.MaxUnfinishedBytesPerProject} bytes in unfinished uploads");
        }

        await GrainFactory.GetGrain<IQuotaLedgerGrain>(QuotaLedgers.ForProject(ProjectIds.OrDefault(_state.ProjectId))).ReleaseAsync(UploadId);
        return null;
    }

    /// <summary>
    /// Initiate reserves before the session exists, so the ledgers' entries are tied to it first: its owners are made
    /// durable and the session filed for a sweep, which gives the bytes back if this activation dies before it ends.
    /// </summary>
    private async Task<UploadError?> ReserveForInitiationAsync(InitiateUpload request, long size)
    {
        if (!QuotasAreOn || request.Kind == UploadKind.Final || size == 0)
        {
            // A final upload's bytes are its parts', which hold their reservations until it has consumed them.
            return null;
        }

        _state.ProjectId = ProjectIds.OrDefault(request.ProjectId);
        _state.CallerId = request.CallerId;
        await _writer.FlushAsync();
        await DeadlineIndex.FileAsync(GrainFactory, UploadId, Now + _options.UploadTimeout, _cleanup.BucketWidth);
        return await ReserveQuotaAsync(size);
    }

    /// <summary>An initiation refused after it reserved: gives the bytes back and forgets the session, as if never started.</summary>
    private async Task AbandonInitiationAsync()
    {
        await ReleaseQuotaAsync();
        await DeleteTempDataAsync();
        if (_stored.RecordExists)
        {
            await _stored.ClearStateAsync();
        }

        _state = new UploadSessionState();
        _stored.State = _state;
    }

    private IEnumerable<(string Ledger, long Limit, string Whose)> Ledgers()
    {
        if (_options.MaxUnfinishedBytesPerCaller > 0 && _state.CallerId is { } caller)
        {
            yield return (QuotaLedgers.ForCaller(caller), _options.MaxUnfinishedBytesPerCaller, "one caller");
        }

        if (_options.MaxUnfinishedBytesPerProject > 0)
        {
            yield return (QuotaLedgers.ForProject(ProjectIds.OrDefault(_state.ProjectId)), _options.MaxUnfinishedBytesPerProject, $"project {ProjectIds.OrDefault(_state.ProjectId)}");
        }
    }
}
