using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace Orleans.Uploads.Silo.Health;

/// <summary>
/// Ready when this silo is active in the cluster's membership: it has joined and takes grain calls. A silo whose
/// gateway port merely accepts connections may still be joining (or already leaving), so a port is not readiness.
/// </summary>
public sealed class ActiveSiloHealthCheck(ISiloStatusOracle membership) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentStatus;
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy("active in the cluster's membership")
            : HealthCheckResult.Unhealthy($"not active in the cluster's membership: {status}"));
    }
}
