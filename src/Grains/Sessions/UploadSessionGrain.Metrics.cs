using Microsoft.Extensions.DependencyInjection;
using Orleans.Uploads.Grains.Statistics;
using Orleans.Uploads.Grains.Telemetry;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// The session's part in the <see cref="UploadMetrics"/> meter. After each durable write it compares the state written
/// with the state durable before it (both read through <see cref="UploadTally"/>, so metrics and statistics agree on what
/// counts: a part is no upload, a final upload's bytes were counted as its parts arrived) and records only the difference:
/// status changes, bytes, chunks and retries added. Hence nothing is counted twice (each change is in exactly one write's
/// difference), a crash counts nothing that was not durable (a failed write records nothing), and a re-activation counts
/// nothing again (its baseline is the state it read).
/// </summary>
public sealed partial class UploadSessionGrain
{
    private UploadMetrics? _metrics;

    /// <summary>The protocol this activation counts among the process's active sessions; null while it counts none.</summary>
    private UploadProtocol? _meteredAsActive;

    private UploadMetrics Metrics => _metrics ??= ServiceProvider.GetRequiredService<UploadMetrics>();

    /// <summary>Records what <paramref name="written"/> changed since <paramref name="previous"/>, both durable states.</summary>
    private void MeterDurableWrite(UploadSessionState? previous, UploadSessionState written)
    {
        if (written.Status == UploadStatus.None)
        {
            // An emptied state (a finished upload removed by tus termination): what it counted did happen; nothing new.
            StopMeteringAsActive();
            return;
        }

        var before = UploadTally.Of(previous ?? new UploadSessionState());
        var after = UploadTally.Of(written);
        var protocol = written.Protocol;
        var metrics = Metrics;
        metrics.Received(protocol, after.BytesReceived - before.BytesReceived, after.ChunksReceived - before.ChunksReceived, after.ChunkRetries - before.ChunkRetries);
        if (after.Status is { } status && status != before.Status)
        {
            if (before.Status is null or UploadStatus.None)
            {
                metrics.Started(protocol);
            }

            switch (status)
            {
                case UploadStatus.Completed:
                    metrics.Completed(protocol, after.CompletedBytes, after.CompletedSeconds);
                    break;
                case UploadStatus.Failed:
                    metrics.Failed(protocol);
                    break;
                case UploadStatus.Cancelled:
                    metrics.Cancelled(protocol);
                    break;
                case UploadStatus.Expired:
                    metrics.Expired(protocol);
                    break;
            }
        }

        if (after.Status is { } open && open.AcceptsBytes())
        {
            if (_meteredAsActive is null)
            {
                metrics.Active.Add(protocol);
                _meteredAsActive = protocol;
            }
        }
        else
        {
            StopMeteringAsActive();
        }
    }

    /// <summary>This activation no longer counts as an active session here (it ended, or it is being deactivated).</summary>
    private void StopMeteringAsActive()
    {
        if (_meteredAsActive is { } protocol)
        {
            _meteredAsActive = null;
            Metrics.Active.Remove(protocol);
        }
    }
}
