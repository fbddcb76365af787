namespace Orleans.Uploads.Hosting.Telemetry;

/// <summary>
/// The <c>Dashboard</c> section: the Orleans dashboard (Microsoft.Orleans.Dashboard) on silos and on the standalone server,
/// off by default. It shows every grain type, silo and reminder, so it sits behind the same credential as <c>/metrics</c>.
/// A gateway in Client mode serves it too when enabled there, provided its silos enable it (they collect the numbers).
/// </summary>
public sealed class DashboardSettings
{
    public const string SectionName = "Dashboard";

    public const string DefaultPath = "/dashboard";

    public bool Enabled { get; set; }

    /// <summary>Where the dashboard's page and API are mapped.</summary>
    public string Path { get; set; } = DefaultPath;
}
