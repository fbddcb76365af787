using Microsoft.Extensions.Options;
using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Hosting.Telemetry;

namespace Orleans.Uploads.Gateway.Telemetry;

/// <summary>
/// The gateway's metrics, traces and dashboard: the shared OpenTelemetry wiring (see <see cref="UploadsTelemetry"/>),
/// Prometheus text at <c>/metrics</c> and the Orleans dashboard (standalone server, or Client mode when the silos run it)
/// for operators only: a caller allowed every project (<see cref="AccessSchemes.Operators"/>; open mode's local developer
/// is one), unless <c>Telemetry:MetricsOpen=true</c> opens <c>/metrics</c> on purpose. Neither is rate limited per caller,
/// like the probes: a scraper's steady requests must not use up an operator's budget or be refused.
/// </summary>
public static class GatewayTelemetry
{
    public static WebApplicationBuilder AddGatewayTelemetry(this WebApplicationBuilder builder)
    {
        builder.AddUploadsTelemetry("orleans-uploads-gateway");
        return builder;
    }

    public static WebApplication MapGatewayTelemetry(this WebApplication app)
    {
        var metrics = app.MapMetrics().DisableRateLimiting();
        if (app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.MetricsOpen)
        {
            metrics.AllowAnonymous();
        }
        else
        {
            metrics.RequireAuthorization(AccessSchemes.Operators);
        }

        app.MapDashboardWhenEnabled()?.RequireAuthorization(AccessSchemes.Operators).DisableRateLimiting();
        return app;
    }
}
