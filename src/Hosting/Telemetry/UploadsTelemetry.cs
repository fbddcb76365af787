using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Uploads.Grains.Telemetry;
using Orleans.Uploads.Hosting.Configuration;

namespace Orleans.Uploads.Hosting.Telemetry;

/// <summary>
/// The OpenTelemetry wiring both hosts share (a gateway, a silo): which meters and activity sources are collected and where
/// they go. Metrics: our <see cref="UploadMetrics.MeterName"/>, Orleans' <c>Microsoft.Orleans</c>, ASP.NET Core's and
/// HttpClient's, read by the Prometheus exporter the host maps at <c>/metrics</c>. Traces: ASP.NET Core, HttpClient,
/// Orleans' grain-call sources and our <see cref="UploadTracing.SourceName"/>, collected only when an OTLP endpoint is set
/// (where they are sent, as metrics also are).
/// Hazard: OpenTelemetry listens to meters and sources by name, process-wide. Two hosts in one process (in-process tests)
/// each see the other's measurements; real deployments run one host per process.
/// </summary>
public static class UploadsTelemetry
{
    /// <summary>Orleans' meter and its grain-call sources (Orleans.Diagnostics constants are internal to its assemblies).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";
    public const string OrleansRuntimeSource = "Microsoft.Orleans.Runtime";
    public const string OrleansApplicationSource = "Microsoft.Orleans.Application";

    /// <summary>
    /// How many distinct tag sets each instrument keeps. OpenTelemetry allocates them up front for every instrument it
    /// collects (2,000 by default): with Orleans' hundred-odd instruments that was ~25 MB of an idle server's memory,
    /// for tag sets that here number a few dozen at most (protocols, routes, status codes, grain types). A tag set past
    /// the limit is still counted, in one overflow series (otel_metric_overflow="true").
    /// </summary>
    public const int MetricPointsPerInstrument = 200;

    /// <summary>Registers the meter and the OpenTelemetry pipeline; <paramref name="serviceName"/> names the process kind in exported data.</summary>
    public static TelemetryOptions AddUploadsTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        var services = builder.Services;
        var options = services.AddValidatedOptionsNow<TelemetryOptions, TelemetryOptionsValidator>(builder.Configuration.GetSection(TelemetryOptions.SectionName));
        services.AddUploadMetrics();

        var otlp = options.OtlpEndpoint is { Length: > 0 } || builder.Configuration[TelemetryOptions.StandardOtlpEndpointKey] is { Length: > 0 };
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(UploadMetrics.MeterName, OrleansMeter)
                    .AddView(_ => new MetricStreamConfiguration { CardinalityLimit = MetricPointsPerInstrument })
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter(exporter => UseEndpoint(exporter, options));
                }
            });

        // Spans go nowhere without OTLP; listening anyway would make every request and grain call (one per 1 MiB piece
        // of an upload) create and record an Activity for nothing.
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(UploadTracing.SourceName, OrleansRuntimeSource, OrleansApplicationSource)
                .AddAspNetCoreInstrumentation(aspNet => aspNet.Filter = http => !IsProbeOrScrape(http.Request.Path))
                .AddHttpClientInstrumentation()
                .AddOtlpExporter(exporter => UseEndpoint(exporter, options)));
        }

        return options;
    }

    /// <summary>The process's one <see cref="UploadMetrics"/>: the grains and the gateway record into the same instruments.</summary>
    public static IServiceCollection AddUploadMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<UploadMetrics>();
        return services;
    }

    /// <summary>Scrapes and probes come every few seconds and say nothing about uploads: no spans for them.</summary>
    private static bool IsProbeOrScrape(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments("/health/live") || path.StartsWithSegments("/health/ready") || path.StartsWithSegments(TelemetryEndpoints.MetricsPath);

    private static void UseEndpoint(OtlpExporterOptions exporter, TelemetryOptions options)
    {
        if (options.OtlpEndpoint is { Length: > 0 } endpoint)
        {
            exporter.Endpoint = new Uri(endpoint);
        }
    }
}
