using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Uploads.Grains.Storage;

namespace Orleans.Uploads.Gateway.Health;

/// <summary>Healthy when the chunk store's temp and final areas can be written.</summary>
public sealed class StorageHealthCheck(IStorageProbe store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.ProbeAsync(cancellationToken);
            return HealthCheckResult.Healthy("the chunk store is writable");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy("the chunk store cannot be written", ex);
        }
    }
}
