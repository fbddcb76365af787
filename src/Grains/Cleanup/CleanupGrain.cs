using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Uploads.Grains.Storage;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Grains.Cleanup;

/// <summary>
/// Expires abandoned sessions across the cluster. Each tick visits only the deadline buckets that have passed
/// since the last one, so its work follows the sessions that are due, not all sessions that exist. A visited
/// session still in use is filed again under its new deadline; a bucket is cleared only after all its sessions
/// were visited, so a crash mid-tick repeats work rather than losing it.
/// </summary>
[GrainType("upload-cleanup")]
public sealed partial class CleanupGrain(
    [PersistentState("cleanup", GrainStorageNames.Uploads)] IPersistentState<CleanupState> state,
    IUploadStore uploads,
    IOptions<CleanupOptions> cleanupOptions,
    [FromKeyedServices(UploadClock.Key)] TimeProvider clock,
    ILogger<CleanupGrain> logger)
    : Grain, ICleanupGrain, IRemindable
{
    private const string ReminderName = "expire-abandoned-uploads";
    private const int MaxBucketsPerTick = 10_000;
    private const int SessionsInParallel = 32;
    private readonly CleanupOptions _options = cleanupOptions.Value;
    private Task<CleanupReport>? _running;

    public async Task EnsureScheduledAsync()
    {
        if (state.State.NextBucket is null)
        {
            state.State.NextBucket = DeadlineIndex.BucketOf(clock.GetUtcNow(), _options.BucketWidth);
            await state.WriteStateAsync();
        }

        await this.RegisterOrUpdateReminder(ReminderName, _options.ReminderPeriod, _options.ReminderPeriod);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => RunOnceAsync();

    public Task<CleanupReport> RunOnceAsync() => _running ??= RunGuardedAsync();

    private async Task<CleanupReport> RunGuardedAsync()
    {
        try
        {
            return await SweepAsync();
        }
        finally
        {
            _running = null;
        }
    }

    private async Task<CleanupReport> SweepAsync()
    {
        var now = clock.GetUtcNow();
        var due = DeadlineIndex.BucketOf(now, _options.BucketWidth);
        var next = state.State.NextBucket ?? due;
        var buckets = 0;
        var sessions = 0;
        for (; next < due && buckets < MaxBucketsPerTick; next++, buckets++)
        {
            for (var shard = 0; shard < DeadlineIndex.Shards; shard++)
            {
                var bucket = GrainFactory.GetGrain<IDeadlineBucketGrain>(DeadlineIndex.KeyOf(next, shard));
                var uploadIds = await bucket.ListAsync();
                foreach (var batch in uploadIds.Chunk(SessionsInParallel))
                {
                    await Task.WhenAll(batch.Select(VisitAsync));
                }

                sessions += uploadIds.Length;
                await bucket.ClearAsync();
            }

            state.State.NextBucket = next + 1;
            await state.WriteStateAsync();
        }

        var orphans = await DeleteOrphansAsync(now);
        if (sessions > 0 || orphans > 0)
        {
            LogSwept(buckets, sessions, orphans);
        }

        return new CleanupReport(buckets, sessions, orphans);
    }

    private async Task VisitAsync(Guid uploadId)
    {
        if (await GrainFactory.GetGrain<IUploadSweepGrain>(uploadId).SweepAsync() is { } nextCheck)
        {
            await DeadlineIndex.FileAsync(GrainFactory, uploadId, nextCheck, _options.BucketWidth);
        }
    }

    /// <summary>Temp files nobody wrote to for a long time and whose session does not own them (a crash between writing bytes and recording them).</summary>
    private async Task<int> DeleteOrphansAsync(DateTimeOffset now)
    {
        var stale = await Task.Run(() => uploads.List().Where(temp => now - temp.LastWriteTime > _options.OrphanGracePeriod).ToArray());
        var deleted = 0;
        foreach (var temp in stale)
        {
            if (!await GrainFactory.GetGrain<IUploadSweepGrain>(temp.UploadId).OwnsTempDataAsync())
            {
                await uploads.DeleteAsync(temp.UploadId);
                LogOrphanDeleted(temp.UploadId, temp.Length);
                deleted++;
            }
        }

        return deleted;
    }

    [LoggerMessage(LogLevel.Information, "Cleanup visited {Buckets} deadline bucket(s), {Sessions} session(s), deleted {Orphans} orphaned temp file(s)")]
    private partial void LogSwept(int buckets, int sessions, int orphans);

    [LoggerMessage(LogLevel.Warning, "Deleted orphaned temp data of upload {UploadId} ({Length} bytes)")]
    private partial void LogOrphanDeleted(Guid uploadId, long length);
}
