using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Uploads.Hosting.Health;

namespace Orleans.Uploads.Silo.Health;

/// <summary>
/// The silo's probes, for container health checks and the local cluster: <c>/health/live</c> answers while the process
/// serves HTTP, <c>/health/ready</c> once the silo is active in membership and its chunk store is writable with free space above the
/// floor (503 otherwise: the bytes of its sessions are written here). They say healthy or not and
/// nothing else, and listen where <c>Urls</c> says: loopback port 8081 by default, which a container's own health check
/// reaches and nothing outside does.
/// </summary>
public static class SiloHealthEndpoints
{
    public static IServiceCollection AddSiloHealthChecks(this IServiceCollection services)
    {
        services.AddSingleton<StorageHealthCheck>();
        services.AddHealthChecks().AddCheck<ActiveSiloHealthCheck>("membership").AddCheck<StorageHealthCheck>("storage");
        return services;
    }

    public static WebApplication MapSiloHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteStatusAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { ResultStatusCodes = ReadinessStatusCodes.Create(), ResponseWriter = WriteStatusAsync });
        return app;
    }

    private static Task WriteStatusAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(http.Response.Body, new { status = report.Status.ToString().ToLowerInvariant() }, cancellationToken: http.RequestAborted);
    }
}
