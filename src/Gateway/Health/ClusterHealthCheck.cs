using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace Orleans.Uploads.Gateway.Health;

/// <summary>Healthy when the cluster answers and has at least one active silo.</summary>
public sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var hosts = grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true, cancellationToken);
            var silos = await hosts.WaitAsync(Timeout, cancellationToken);
            var data = new Dictionary<string, object> { ["activeSilos"] = silos.Count };
            return silos.Count > 0
                ? HealthCheckResult.Healthy($"{silos.Count} active silo(s)", data)
                : HealthCheckResult.Unhealthy("no active silo", data: data);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            return HealthCheckResult.Unhealthy("the cluster did not answer", ex);
        }
    }
}
