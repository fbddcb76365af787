using Orleans.Uploads.Grains.Statistics;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// <see cref="IUploadTallyGrain"/>: the session's part in exact statistics. It registers with its tally shard before its
/// first write and sends its whole tally after every durable write; the shard keeps the latest and asks again for
/// what it may have missed, so a crash on either side costs no count and counts nothing twice.
/// </summary>
public sealed partial class UploadSessionGrain
{
    /// <summary>The state last written durably: tallies describe only that, never changes a crash could still undo.</summary>
    private UploadSessionState? _durable;

    public Task<UploadTally?> GetTallyAsync() =>
        Task.FromResult(_durable is { Status: not UploadStatus.None } durable ? UploadTally.Of(durable) : null);

    private Task RegisterForStatisticsAsync() => IUploadTallyShardGrain.For(GrainFactory, UploadId).RegisterAsync(UploadId);

    private void ReportTally(UploadSessionState durable)
    {
        _durable = durable;

        // An emptied state (a finished upload removed by tus termination) is no upload to count: its last tally stays, as
        // the completion it counted did happen. Reporting the empty one would take that completion back.
        if (durable.Status != UploadStatus.None)
        {
            IUploadTallyShardGrain.For(GrainFactory, UploadId).ReportAsync(UploadId, UploadTally.Of(durable)).Ignore();
        }
    }
}
