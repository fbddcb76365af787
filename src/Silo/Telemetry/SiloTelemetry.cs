using Orleans.Uploads.Hosting;
using Orleans.Uploads.Hosting.Telemetry;

namespace Orleans.Uploads.Silo.Telemetry;

/// <summary>
/// The silo's metrics, traces and dashboard. In cluster mode the upload sessions live on silos, so their meter
/// (<c>Orleans.Uploads</c>) and Orleans' own are read here, at <c>/metrics</c> next to the probes, and the dashboard at
/// <c>Dashboard:Path</c> when <c>Dashboard:Enabled</c>; both behind <see cref="ScrapeTokenGate"/>.
/// </summary>
public static partial class SiloTelemetry
{
    public static WebApplicationBuilder AddSiloTelemetry(this WebApplicationBuilder builder)
    {
        var options = builder.AddUploadsTelemetry("orleans-uploads-silo");
        builder.Services.AddSingleton(new ScrapeTokenGate(options.ScrapeToken, ListeningAddresses.Of(builder.Configuration).All(ListeningAddresses.IsLoopback)));
        return builder;
    }

    public static WebApplication MapSiloTelemetry(this WebApplication app)
    {
        var gate = app.Services.GetRequiredService<ScrapeTokenGate>();
        if (gate.ClosedToEveryone)
        {
            LogClosed(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SiloTelemetry).FullName!));
        }

        app.Use(gate.InvokeAsync);
        ScrapeTokenGate.Guard(app.MapMetrics());
        if (app.MapDashboardWhenEnabled() is { } dashboard)
        {
            ScrapeTokenGate.Guard(dashboard);
        }

        return app;
    }

    [LoggerMessage(LogLevel.Warning, "This silo listens beyond loopback and has no Telemetry:ScrapeToken: /metrics and the dashboard refuse every request until one is set.")]
    private static partial void LogClosed(ILogger logger);
}
