using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Orleans.Uploads.Hosting.Health;

/// <summary>
/// What <c>/health/ready</c> answers on gateways and silos: 503 on degraded too, not only on unhealthy. Below the
/// free-space floor every new byte is refused (507), so a balancer or orchestrator should send uploads elsewhere; the
/// detailed <c>/health</c> report keeps answering 200 for degraded, as downloads still work.
/// </summary>
public static class ReadinessStatusCodes
{
    public static IDictionary<HealthStatus, int> Create() => new Dictionary<HealthStatus, int>
    {
        [HealthStatus.Healthy] = 200,
        [HealthStatus.Degraded] = 503,
        [HealthStatus.Unhealthy] = 503,
    };
}
