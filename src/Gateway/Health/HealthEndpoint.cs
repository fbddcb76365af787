using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Orleans.Uploads.Gateway.Health;

public static class HealthEndpoint
{
    public static IHealthChecksBuilder AddUploadHealthChecks(this IServiceCollection services) => services.AddHealthChecks()
        .AddCheck("gateway", () => HealthCheckResult.Healthy("serving requests"))
        .AddCheck<ClusterHealthCheck>("cluster")
        .AddCheck<StorageHealthCheck>("storage");

    /// <summary><c>GET /health</c>: 200 when every part is healthy, 503 otherwise, with each part's report.</summary>
    public static IEndpointConventionBuilder MapUploadHealth(this IEndpointRouteBuilder routes) =>
        routes.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteAsync });

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
