using System.Net;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Uploads.Hosting.Configuration;
using Orleans.Uploads.Hosting.GrainStorage;
using Orleans.Uploads.Hosting.Postgres;

namespace Orleans.Uploads.Hosting.Silos;

/// <summary>A silo of the upload cluster as the <c>Cluster</c> section describes it: clustering, grain state and reminders, endpoints.</summary>
public static class UploadsSiloConfiguration
{
    /// <summary>A silo that hosts the upload grains, clustered as the <c>Cluster</c> section says.</summary>
    public static ISiloBuilder UseUploadsSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var settings = ClusterSettings.From(configuration);
        switch (settings.Clustering)
        {
            case ClusteringKind.Localhost:
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, serviceId: settings.ServiceId, clusterId: settings.ClusterId);
                silo.AddLocalFileGrainStorage();
                silo.UseInMemoryReminderService();
                break;
            case ClusteringKind.Postgres:
                var connectionString = settings.RequirePostgres();
                silo.Configure<ClusterOptions>(cluster =>
                {
                    cluster.ClusterId = settings.ClusterId;
                    cluster.ServiceId = settings.ServiceId;
                });
                silo.Configure<EndpointOptions>(endpoints => ConfigureEndpoints(endpoints, settings));
                silo.UsePostgresProviders(connectionString);
                break;
        }

        silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = settings.ResponseTimeout);
        return silo.AddUploadGrains(configuration);
    }

    private static void ConfigureEndpoints(EndpointOptions endpoints, ClusterSettings settings)
    {
        endpoints.SiloPort = settings.SiloPort;
        endpoints.GatewayPort = settings.GatewayPort;
        if (settings.AdvertisedIPAddress is { Length: > 0 } advertised)
        {
            endpoints.AdvertisedIPAddress = IPAddress.Parse(advertised);
        }

        var listen = settings.ListenIPAddress is { Length: > 0 } configured ? IPAddress.Parse(configured)
            : settings.AdvertisedIPAddress is { Length: > 0 } ? endpoints.AdvertisedIPAddress
            : IPAddress.Any;
        endpoints.SiloListeningEndpoint = new IPEndPoint(listen, settings.SiloPort);
        endpoints.GatewayListeningEndpoint = new IPEndPoint(listen, settings.GatewayPort);
    }
}
