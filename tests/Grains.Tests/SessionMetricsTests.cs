// Why this exists: the session grain records its metrics from the difference between two durable states, so a
// re-activated session must not count its past again and a state write that failed must count nothing. Read through a
// MeterListener limited to this class's own silos (each in-process silo has its own IMeterFactory, the meters' scope),
// so the sessions of test classes running beside it are not counted.

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.TestingHost;
using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Telemetry;
using Orleans.Uploads.Grains.Tests.Infrastructure;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Grains.Tests;

/// <summary>Session metrics count each durable change once: not again after a re-activation, not at all when the write failed.</summary>
public sealed class SessionMetricsTests : IClassFixture<UploadClusterFixture>, IDisposable
{
    private const string Protocol = "unknown"; // InitiateUpload's default: grain tests start sessions without a protocol

    private readonly UploadClusterFixture _cluster;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _sums = new();
    private readonly ConcurrentDictionary<(string Instrument, object Scope), long> _observed = new();

    public SessionMetricsTests(UploadClusterFixture cluster)
    {
        _cluster = cluster;
        var scopes = cluster.Cluster.Silos.Select(silo => (object)((InProcessSiloHandle)silo).SiloHost.Services.GetRequiredService<IMeterFactory>()).ToHashSet();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == UploadMetrics.MeterName && instrument.Meter.Scope is { } scope && scopes.Contains(scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (!HasProtocol(tags, Protocol))
            {
                return;
            }

            if (instrument.IsObservable)
            {
                _observed[(instrument.Name, instrument.Meter.Scope!)] = value;
            }
            else
            {
                _sums.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
            }
        });
        _listener.Start();
    }

    [Fact]
    public async Task A_session_reactivated_mid_upload_counts_its_start_bytes_and_chunks_once()
    {
        var file = new TestFile(3 * UploadClusterFixture.ChunkSize, seed: 14);
        var session = await _cluster.Grains.StartAsync(file);
        await session.PutAsync(file, 0);
        Assert.Equal(1, ActiveSessions());

        await _cluster.Grains.GetGrain<IGrainManagementExtension>(session.Life.GetGrainId()).DeactivateOnIdle();
        await Eventually.WaitUntilAsync(() => Task.FromResult(ActiveSessions() == 0), "the deactivated session to stop counting as active");

        await session.PutAsync(file, 1);
        Assert.Equal(1, ActiveSessions());
        await session.PutAsync(file, 2);
        Assert.Equal(UploadStatus.Completed, (await session.SnapshotAsync()).Status);

        Assert.Equal(1, Sum("uploads.started"));
        Assert.Equal(1, Sum("uploads.completed"));
        Assert.Equal(3, Sum("uploads.chunks.received"));
        Assert.Equal(file.Bytes.Length, Sum("uploads.received"));
        Assert.Equal(0, ActiveSessions());
    }

    [Fact]
    public async Task A_chunk_whose_state_write_failed_is_counted_only_when_sent_again_and_stored()
    {
        var file = new TestFile(2 * UploadClusterFixture.ChunkSize, seed: 15);
        var session = await _cluster.Grains.StartAsync(file);
        var grain = session.Life.GetGrainId();
        try
        {
            var failing = HeldStateStorage.HoldWrites(grain);
            var lost = session.PutChunkAsync(0, file.Chunk(0), file.ChunkSha256(0));
            await failing.Entered;
            failing.Fail(new IOException("the state storage is unreachable"));
            await Assert.ThrowsAnyAsync<Exception>(() => lost);
        }
        finally
        {
            HeldStateStorage.Release(grain);
        }

        Assert.Equal(1, Sum("uploads.started"));
        Assert.Equal(0, Sum("uploads.chunks.received"));
        Assert.Equal(0, Sum("uploads.received"));

        await session.PutAsync(file, 0);
        Assert.Equal(1, Sum("uploads.chunks.received"));
        Assert.Equal(file.Layout.LengthOf(0), Sum("uploads.received"));
        Assert.Equal(1, Sum("uploads.started"));
        await session.CancelAsync();
        Assert.Equal(1, Sum("uploads.cancelled"));
    }

    public void Dispose() => _listener.Dispose();

    private long Sum(string instrument) => _sums.GetValueOrDefault(instrument);

    /// <summary>The active sessions of this protocol over both silos, observed now.</summary>
    private long ActiveSessions()
    {
        _listener.RecordObservableInstruments();
        return _observed.Where(entry => entry.Key.Instrument == "uploads.sessions.active").Sum(entry => entry.Value);
    }

    private static bool HasProtocol(ReadOnlySpan<KeyValuePair<string, object?>> tags, string protocol)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == UploadMetrics.ProtocolTag && (tag.Value as string) == protocol)
            {
                return true;
            }
        }

        return false;
    }
}
