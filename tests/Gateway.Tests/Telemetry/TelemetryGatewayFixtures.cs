// Why this exists: the operators' routes (/metrics, the dashboard) behave differently under two settings,
// Telemetry:MetricsOpen and Dashboard:Enabled; each fixture is the keyed access-test gateway with one of them set.

using Orleans.Uploads.Gateway.Tests.Access;

namespace Orleans.Uploads.Gateway.Tests.Telemetry;

/// <summary>
/// The keyed gateway with <c>Telemetry:MetricsOpen=true</c> (<c>/metrics</c> needs no credential) and a per-caller limit
/// of <see cref="RequestsPerSecond"/>, small enough for a test to exceed.
/// </summary>
public sealed class OpenMetricsGatewayFixture : AccessGatewayFixture
{
    public const int RequestsPerSecond = 5;

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings() =>
        [.. base.ExtraSettings(), new("Telemetry:MetricsOpen", "true"), new("Gateway:RequestsPerSecond", $"{RequestsPerSecond}")];
}

/// <summary>The keyed gateway (standalone, so it is also a silo) with the Orleans dashboard on, at its default path.</summary>
public sealed class DashboardGatewayFixture : AccessGatewayFixture
{
    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings() =>
        [.. base.ExtraSettings(), new("Dashboard:Enabled", "true")];
}
