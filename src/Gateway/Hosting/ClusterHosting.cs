using Orleans.Configuration;
using Orleans.Uploads.Grains;

namespace Orleans.Uploads.Gateway.Hosting;

public static class ClusterHosting
{
    /// <summary>
    /// Standalone (the default): this process is also the cluster's one silo, so <c>dotnet run</c> needs nothing else.
    /// Client: this process is a pure Orleans client of the silos the <c>Cluster</c> section names.
    /// </summary>
    public static WebApplicationBuilder AddUploadsCluster(this WebApplicationBuilder builder)
    {
        var settings = ClusterSettings.From(builder.Configuration);
        if (settings.Mode == GatewayMode.Standalone)
        {
            builder.UseOrleans(silo => silo.UseUploadsSilo(builder.Configuration));
            return builder;
        }

        if (settings.Clustering == ClusteringKind.Postgres)
        {
            // Registered before the Orleans client, so a wrong connection string stops start-up with its reason
            // instead of a client that waits for gateways it can never find.
            builder.Services.AddHostedService(_ => new PostgresReachabilityCheck(settings.RequirePostgres()));
        }

        builder.UseOrleansClient(client =>
        {
            switch (settings.Clustering)
            {
                case ClusteringKind.Localhost:
                    client.UseLocalhostClustering(settings.GatewayPort, settings.ServiceId, settings.ClusterId);
                    break;
                case ClusteringKind.Postgres:
                    var connectionString = settings.RequirePostgres();
                    client.Configure<ClusterOptions>(cluster =>
                    {
                        cluster.ClusterId = settings.ClusterId;
                        cluster.ServiceId = settings.ServiceId;
                    });
                    client.UseAdoNetClustering(options =>
                    {
                        options.Invariant = UploadsSiloConfiguration.PostgresInvariant;
                        options.ConnectionString = connectionString;
                    });
                    break;
            }

            client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = settings.ResponseTimeout);
        });
        builder.Services.AddUploadStorage(builder.Configuration);
        return builder;
    }
}
