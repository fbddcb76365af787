using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Hosting.Health;

namespace Orleans.Uploads.Gateway.Health;

public static class HealthEndpoint
{
    public static IHealthChecksBuilder AddUploadHealthChecks(this IServiceCollection services) => services.AddSingleton<StorageHealthCheck>().AddHealthChecks()
        .AddCheck("gateway", () => HealthCheckResult.Healthy("serving requests"))
        .AddCheck<ClusterHealthCheck>("cluster")
        .AddCheck<StorageHealthCheck>("storage");

    /// <summary>
    /// <c>GET /health</c>: 200 when every part is healthy, 503 otherwise, with each part's report, for callers only (it
    /// names silos and storage). Probes need no credential: <c>/health/live</c> answers while the process serves HTTP,
    /// <c>/health/ready</c> runs the checks (cluster reachable, store writable, free space above the floor) and says only healthy or not. Probes are never rate limited.
    /// </summary>
    public static IEndpointRouteBuilder MapUploadHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteAsync }).RequireAuthorization(AccessSchemes.CallersOnly);
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteStatusAsync }).AllowAnonymous().DisableRateLimiting();
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions { ResultStatusCodes = ReadinessStatusCodes.Create(), ResponseWriter = WriteStatusAsync }).AllowAnonymous().DisableRateLimiting();
        return routes;
    }

    private static Task WriteStatusAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(http.Response.Body, new { status = report.Status.ToString().ToLowerInvariant() }, cancellationToken: http.RequestAborted);
    }

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(http.Response.Body, new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new
                {
                    status = entry.Value.Status.ToString().ToLowerInvariant(),
                    description = entry.Value.Description,
                    error = entry.Value.Exception?.Message,
                    data = entry.Value.Data,
                }),
        }, cancellationToken: http.RequestAborted);
    }
}
