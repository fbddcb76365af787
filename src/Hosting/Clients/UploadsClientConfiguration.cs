using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Uploads.Hosting.Configuration;
using Orleans.Uploads.Hosting.Postgres;
using Orleans.Uploads.Hosting.Telemetry;
using ClusterOptions = Orleans.Uploads.Hosting.Configuration.ClusterOptions;
using OrleansClusterOptions = Orleans.Configuration.ClusterOptions;

namespace Orleans.Uploads.Hosting.Clients;

/// <summary>A process that is a pure Orleans client of the upload cluster (a gateway in Client mode), connected as the <c>Cluster</c> section says.</summary>
public static class UploadsClientConfiguration
{
    /// <summary>This process as an Orleans client of the silos <paramref name="settings"/> (validated) names, with the chunk store it shares with them.</summary>
    public static IHostApplicationBuilder UseUploadsClient(this IHostApplicationBuilder builder, ClusterOptions settings)
    {
        if (settings.Clustering == ClusteringKind.Postgres)
        {
            // Registered before the Orleans client, so a wrong connection string stops start-up with its reason
            // instead of a client that waits for gateways it can never find.
            builder.Services.AddHostedService(_ => new PostgresReachabilityCheck(settings.ConnectionString!));
        }

        builder.UseOrleansClient(client =>
        {
            switch (settings.Clustering)
            {
                case ClusteringKind.Localhost:
                    client.UseLocalhostClustering(settings.GatewayPort, settings.ServiceId, settings.ClusterId);
                    break;
                case ClusteringKind.Postgres:
                    client.Configure<OrleansClusterOptions>(settings.ConfigureIdentity);
                    client.UsePostgresClustering(settings.ConnectionString!); // the validator requires it for Postgres
                    break;
            }

            client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = settings.ResponseTimeout);
            client.AddUploadsTelemetry(); // trace context across grain calls, the dashboard when enabled
        });
        builder.Services.AddUploadStorage(builder.Configuration);
        return builder;
    }
}
