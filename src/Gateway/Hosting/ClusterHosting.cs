using Orleans.Uploads.Hosting.Clients;
using Orleans.Uploads.Hosting.Configuration;
using Orleans.Uploads.Hosting.Silos;

namespace Orleans.Uploads.Gateway.Hosting;

/// <summary>How the gateway reaches the upload grains: a silo of its own, or a client of the cluster's silos.</summary>
public static class ClusterHosting
{
    /// <summary>
    /// Standalone (the default): this process is also the cluster's one silo, so <c>dotnet run</c> needs nothing else.
    /// Client: this process is a pure Orleans client of the silos the <c>Cluster</c> section names.
    /// </summary>
    public static WebApplicationBuilder AddUploadsCluster(this WebApplicationBuilder builder)
    {
        var cluster = builder.AddClusterOptions();
        if (cluster.Mode == GatewayMode.Standalone)
        {
            builder.UseOrleans(silo => silo.UseUploadsSilo(cluster));
        }
        else
        {
            builder.UseUploadsClient(cluster);
        }

        return builder;
    }
}
