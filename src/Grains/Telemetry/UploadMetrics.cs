using System.Diagnostics.Metrics;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Grains.Telemetry;

/// <summary>
/// The service's own meter, <see cref="MeterName"/>: what happened to uploads (started, completed, failed, cancelled,
/// expired, each tagged <c>protocol</c>), what arrived (bytes, chunks, retried chunks), how it went (speed, file size, time
/// to complete, per-chunk latency) and the sessions in progress. One instance per process (a singleton made through
/// <see cref="IMeterFactory"/>, so a test host's meters die with its container).
/// Session events are recorded by the session grain from its durable writes only (see UploadSessionGrain.Metrics.cs): a
/// silo counts the changes that reached storage while it hosted the session, so the sum over every silo is the cluster's.
/// Chunk latency is measured in the gateway, around each chunk PUT and tus PATCH.
/// </summary>
public sealed class UploadMetrics
{
    public const string MeterName = "Orleans.Uploads";

    /// <summary>The tag naming the HTTP protocol that started an upload (<see cref="UploadProtocolNames.Name"/>).</summary>
    public const string ProtocolTag = "protocol";

    // Histogram buckets: the SDK's defaults (0..10,000) suit milliseconds, not bytes or bytes per second.
    private static readonly double[] SizeBuckets = [64 * 1024, 1 << 20, 16 << 20, 64 << 20, 256 << 20, 1 << 30, 4L << 30, 16L << 30, 64L << 30];
    private static readonly double[] SpeedBuckets = [64 * 1024, 256 * 1024, 1 << 20, 4 << 20, 16 << 20, 64 << 20, 256 << 20, 1 << 30];
    private static readonly double[] SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 24 * 3600];

    private readonly Counter<long> _started;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _cancelled;
    private readonly Counter<long> _expired;
    private readonly Counter<long> _bytesReceived;
    private readonly Counter<long> _chunksReceived;
    private readonly Counter<long> _chunksRetried;
    private readonly Histogram<double> _speed;
    private readonly Histogram<double> _fileSize;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _chunkDuration;
    private readonly ActiveSessions _active = new();

    public UploadMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _started = meter.CreateCounter<long>("uploads.started", "{upload}", "Upload sessions created");
        _completed = meter.CreateCounter<long>("uploads.completed", "{upload}", "Uploads completed (the video exists)");
        _failed = meter.CreateCounter<long>("uploads.failed", "{upload}", "Uploads that failed (for example a file hash mismatch)");
        _cancelled = meter.CreateCounter<long>("uploads.cancelled", "{upload}", "Uploads cancelled by their client");
        _expired = meter.CreateCounter<long>("uploads.expired", "{upload}", "Uploads expired by the cleanup after UploadTimeout idle");
        _bytesReceived = meter.CreateCounter<long>("uploads.received", "By", "Upload bytes stored durably");
        _chunksReceived = meter.CreateCounter<long>("uploads.chunks.received", "{chunk}", "Chunks stored durably (tus and form posts: chunk-size units of their offset)");
        _chunksRetried = meter.CreateCounter<long>("uploads.chunks.retried", "{chunk}", "Chunk attempts rejected and to be sent again (hash mismatches, failed writes)");
        meter.CreateObservableUpDownCounter("uploads.sessions.active", _active.Observe, "{session}",
            "Sessions open for bytes (initiated or uploading) whose activation lives in this process and has written since it was activated");
        _speed = meter.CreateHistogram("uploads.speed", "By/s", "Average speed of a completed upload, file size over first byte to completion",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SpeedBuckets });
        _fileSize = meter.CreateHistogram("uploads.file.size", "By", "Size of a completed upload",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SizeBuckets });
        _duration = meter.CreateHistogram("uploads.duration", "s", "Time to complete an upload: its first stored byte to its completion",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _chunkDuration = meter.CreateHistogram("uploads.chunk.duration", "s", "Latency of one chunk PUT or tus PATCH in the gateway, body read to answer",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
    }

    /// <summary>The sessions this process's activations hold open; see <see cref="ActiveSessions"/>.</summary>
    public ActiveSessions Active => _active;

    public void Started(UploadProtocol protocol) => _started.Add(1, Tag(protocol));

    public void Completed(UploadProtocol protocol, long fileSize, double secondsFromFirstByte)
    {
        var tag = Tag(protocol);
        _completed.Add(1, tag);
        _fileSize.Record(fileSize, tag);
        if (secondsFromFirstByte > 0)
        {
            _duration.Record(secondsFromFirstByte, tag);
            _speed.Record(fileSize / secondsFromFirstByte, tag);
        }
    }

    public void Failed(UploadProtocol protocol) => _failed.Add(1, Tag(protocol));

    public void Cancelled(UploadProtocol protocol) => _cancelled.Add(1, Tag(protocol));

    public void Expired(UploadProtocol protocol) => _expired.Add(1, Tag(protocol));

    /// <summary>What a durable write added: bytes and chunks stored, chunk attempts rejected. Only positive amounts count.</summary>
    public void Received(UploadProtocol protocol, long bytes, long chunks, long retries)
    {
        var tag = Tag(protocol);
        if (bytes > 0)
        {
            _bytesReceived.Add(bytes, tag);
        }

        if (chunks > 0)
        {
            _chunksReceived.Add(chunks, tag);
        }

        if (retries > 0)
        {
            _chunksRetried.Add(retries, tag);
        }
    }

    /// <summary>One chunk request's latency as the gateway saw it, whatever its answer.</summary>
    public void ChunkHandled(UploadProtocol protocol, TimeSpan elapsed) => _chunkDuration.Record(elapsed.TotalSeconds, Tag(protocol));

    private static KeyValuePair<string, object?> Tag(UploadProtocol protocol) => new(ProtocolTag, protocol.Name());
}
