using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Orleans.Dashboard;

namespace Orleans.Uploads.Hosting.Telemetry;

/// <summary>
/// The HTTP side of telemetry both hosts map: Prometheus text at <see cref="MetricsPath"/> and, when enabled, the Orleans
/// dashboard at its path. Each host puts its own credential in front (a gateway's operator policy, a silo's scrape token):
/// these methods only map.
/// </summary>
public static class TelemetryEndpoints
{
    public const string MetricsPath = "/metrics";

    public static IEndpointConventionBuilder MapMetrics(this IEndpointRouteBuilder routes) => routes.MapPrometheusScrapingEndpoint(MetricsPath);

    /// <summary>The dashboard's route group, or null when <c>Dashboard:Enabled</c> is off (its path is then a 404 like any unknown one).</summary>
    public static RouteGroupBuilder? MapDashboardWhenEnabled(this WebApplication app)
    {
        var settings = OrleansTelemetry.DashboardSettingsOf(app.Configuration);
        return settings.Enabled ? app.MapOrleansDashboard(settings.Path) : null;
    }
}
