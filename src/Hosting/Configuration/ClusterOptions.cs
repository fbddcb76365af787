using OrleansClusterOptions = Orleans.Configuration.ClusterOptions;

namespace Orleans.Uploads.Hosting.Configuration;

/// <summary>The <c>Cluster</c> configuration section: how a process joins (or is) the Orleans cluster.</summary>
public sealed class ClusterOptions
{
    public const string SectionName = "Cluster";

    /// <summary>Gateway only: <see cref="GatewayMode.Standalone"/> co-hosts a silo; <see cref="GatewayMode.Client"/> connects to silos.</summary>
    public GatewayMode Mode { get; set; } = GatewayMode.Standalone;

    public ClusteringKind Clustering { get; set; } = ClusteringKind.Localhost;

    /// <summary>PostgreSQL connection string, required for <see cref="ClusteringKind.Postgres"/>.</summary>
    public string? ConnectionString { get; set; }

    public string ClusterId { get; set; } = "orleans-uploads";

    public string ServiceId { get; set; } = "orleans-uploads";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients use to reach this silo; unset, Orleans picks this host's address.</summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>Where the silo listens; unset, on the advertised address if one is set, otherwise on every interface.</summary>
    public string? ListenIPAddress { get; set; }

    /// <summary>How long a grain call may take: also how long a request caught on a crashed silo waits before it fails and can be retried. Completing an upload re-reads and hashes the file (about 1 s per GiB here).</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Orleans' own cluster identity, for silos and clients that do not use localhost clustering (which sets it itself).</summary>
    public void ConfigureIdentity(OrleansClusterOptions orleans)
    {
        orleans.ClusterId = ClusterId;
        orleans.ServiceId = ServiceId;
    }
}

public enum GatewayMode
{
    Standalone,
    Client,
}

public enum ClusteringKind
{
    /// <summary>One machine: silos on loopback, grain state in local files, reminders in memory.</summary>
    Localhost,

    /// <summary>Production: membership, grain state and reminders in PostgreSQL.</summary>
    Postgres,
}
