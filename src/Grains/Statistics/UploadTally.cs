using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Grains.Statistics;

/// <summary>
/// One upload's whole contribution to the statistics, read off its durable session state. Statistics hold the latest
/// tally per upload and replace it, never add to it: a tally sent twice, late, or lost and pulled again counts once.
/// </summary>
[GenerateSerializer, Immutable, Alias("uploads.UploadTally")]
public sealed record UploadTally
{
    /// <summary>The session's state revision: a tally only ever replaces one of a lower revision.</summary>
    [Id(0)] public long Revision { get; init; }

    /// <summary>Null for a partial upload: a part is bytes of another upload, not an upload of its own.</summary>
    [Id(1)] public UploadStatus? Status { get; init; }
    [Id(2)] public long BytesReceived { get; init; }
    [Id(3)] public int ChunksReceived { get; init; }
    [Id(4)] public int ChunkRetries { get; init; }
    [Id(5)] public long CompletedBytes { get; init; }
    [Id(6)] public double CompletedSeconds { get; init; }

    /// <summary>The upload (or part) takes no more bytes: completed, failed, cancelled or expired.</summary>
    [Id(7)] public bool Ended { get; init; }

    /// <summary>
    /// Its tally never changes again, so nobody needs to ask for it again and its shard may fold it into its sums.
    /// A tally stored before <see cref="Ended"/> existed is settled by its status; a part's, by then, is asked again.
    /// </summary>
    public bool IsSettled => Ended || Status is { } status && status != UploadStatus.None && !status.AcceptsBytes();

    public static UploadTally Of(UploadSessionState state)
    {
        // A final upload's bytes were counted as its parts arrived; counting them again here would count them twice.
        var receivedItself = state.Kind != UploadKind.Final;
        var completed = state.Status == UploadStatus.Completed && state.Kind != UploadKind.Partial;
        return new UploadTally
        {
            Revision = state.Revision,
            Ended = state.Status != UploadStatus.None && !state.Status.AcceptsBytes(),
            Status = state.Kind == UploadKind.Partial ? null : state.Status,
            BytesReceived = receivedItself ? state.UploadedBytes : 0,
            ChunksReceived = receivedItself ? state.CompletedChunks : 0,
            ChunkRetries = state.TotalRetries,
            CompletedBytes = completed ? state.TotalSize ?? 0 : 0,
            CompletedSeconds = completed && state.CompletedAt is { } at ? (at - (state.FirstByteAt ?? state.CreatedAt)).TotalSeconds : 0,
        };
    }
}
