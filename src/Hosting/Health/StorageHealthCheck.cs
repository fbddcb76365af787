using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Uploads.Grains.Storage;

namespace Orleans.Uploads.Hosting.Health;

/// <summary>
/// Healthy when the chunk store's temp and final areas can be written and its disk is above the free-space floor;
/// degraded below the floor (uploads are refused with 507 while downloads still work); unhealthy when it cannot be written.
/// Hazard: <c>/health/ready</c> answers anyone, and each probe writes and deletes a file in both areas, so a flood of
/// probes would be a flood of writes. The result is reused for <see cref="ResultLifetime"/>, and concurrent callers share
/// one probe. Registered as a singleton so the reuse outlives a single health run.
/// </summary>
public sealed class StorageHealthCheck(IStorageProbe store) : IHealthCheck
{
    public static readonly TimeSpan ResultLifetime = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private Task<HealthCheckResult>? _last;
    private long _lastStarted;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_last is null || (_last.IsCompleted && Stopwatch.GetElapsedTime(_lastStarted) > ResultLifetime))
            {
                _lastStarted = Stopwatch.GetTimestamp();

                // Not the caller's token: the probe is shared, and one caller going away must not fail it for the others.
                _last = ProbeAsync();
            }

            return _last.WaitAsync(cancellationToken);
        }
    }

    private async Task<HealthCheckResult> ProbeAsync()
    {
        try
        {
            var room = await store.ProbeAsync();
            var data = new Dictionary<string, object> { ["freeBytes"] = room.FreeBytes, ["floorBytes"] = room.FloorBytes };
            return room.BelowFloor
                ? HealthCheckResult.Degraded($"less than the free-space floor is left on the upload disk: uploads are refused (507 insufficient_storage)", data: data)
                : HealthCheckResult.Healthy("the chunk store is writable", data);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy("the chunk store cannot be written", ex);
        }
    }
}
