namespace Orleans.Uploads.Hosting.Telemetry;

/// <summary>
/// The <c>Telemetry</c> section, read by gateways and silos alike: who may scrape <c>/metrics</c>, and where traces and
/// metrics are pushed. OTLP is on when <see cref="OtlpEndpoint"/> or the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>The standard OpenTelemetry variable, honoured as the exporter itself reads it (with its companions, such as <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>).</summary>
    public const string StandardOtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Gateway: <c>/metrics</c> without any credential. Off by default: metrics name projects' traffic, so an operator's credential is needed.</summary>
    public bool MetricsOpen { get; set; }

    /// <summary>
    /// Silo: the bearer token <c>/metrics</c> and the dashboard ask for. Without one they are open on a loopback-only silo and
    /// refused to everyone on a silo whose <c>Urls</c> reach beyond loopback. Never logged.
    /// </summary>
    public string? ScrapeToken { get; set; }

    /// <summary>Where OTLP goes (for example <c>http://collector:4317</c>); overrides <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public string? OtlpEndpoint { get; set; }
}
