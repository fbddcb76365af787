using Microsoft.Extensions.Configuration;
using Orleans.Dashboard;
using Orleans.Hosting;

namespace Orleans.Uploads.Hosting.Telemetry;

/// <summary>
/// Telemetry inside Orleans, for silos and clients: the trace context carried across grain calls (so a chunk's trace runs
/// from the gateway's HTTP span into the grain on whichever silo holds it), the process's <c>UploadMetrics</c>, and the
/// Orleans dashboard's collection when <c>Dashboard:Enabled</c>.
/// </summary>
public static class OrleansTelemetry
{
    public static ISiloBuilder AddUploadsTelemetry(this ISiloBuilder silo)
    {
        silo.Services.AddUploadMetrics();
        silo.AddActivityPropagation();
        if (DashboardEnabled(silo.Configuration))
        {
            silo.AddDashboard();
        }

        return silo;
    }

    public static IClientBuilder AddUploadsTelemetry(this IClientBuilder client)
    {
        client.AddActivityPropagation();
        if (DashboardEnabled(client.Configuration))
        {
            // The client only serves the page and asks the silos, which must enable the dashboard too.
            client.AddDashboard();
        }

        return client;
    }

    public static DashboardSettings DashboardSettingsOf(IConfiguration configuration) =>
        configuration.GetSection(DashboardSettings.SectionName).Get<DashboardSettings>() ?? new DashboardSettings();

    private static bool DashboardEnabled(IConfiguration configuration) => DashboardSettingsOf(configuration).Enabled;
}
