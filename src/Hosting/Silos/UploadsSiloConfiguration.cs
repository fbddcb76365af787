using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Uploads.Hosting.Configuration;
using Orleans.Uploads.Hosting.GrainStorage;
using Orleans.Uploads.Hosting.Postgres;
using ClusterOptions = Orleans.Uploads.Hosting.Configuration.ClusterOptions;
using OrleansClusterOptions = Orleans.Configuration.ClusterOptions;

namespace Orleans.Uploads.Hosting.Silos;

/// <summary>A silo of the upload cluster as the <c>Cluster</c> section describes it: clustering, grain state and reminders, endpoints.</summary>
public static class UploadsSiloConfiguration
{
    private const string WatchdogCategory = "Orleans.Runtime.Watchdog";

    /// <summary>A silo that hosts the upload grains, clustered as the <c>Cluster</c> section (<paramref name="settings"/>, validated) says.</summary>
    public static ISiloBuilder UseUploadsSilo(this ISiloBuilder silo, ClusterOptions settings)
    {
        switch (settings.Clustering)
        {
            case ClusteringKind.Localhost:
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, serviceId: settings.ServiceId, clusterId: settings.ClusterId);
                silo.AddLocalGrainStorage();
                silo.UseInMemoryReminderService();
                break;
            case ClusteringKind.Postgres:
                silo.Configure<OrleansClusterOptions>(settings.ConfigureIdentity);
                silo.Configure<EndpointOptions>(endpoints => ConfigureEndpoints(endpoints, settings));
                silo.UsePostgresProviders(settings.ConnectionString!); // the validator requires it for Postgres
                break;
        }

        silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = settings.ResponseTimeout);
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ListeningPortsCheck>();

        // Orleans 10.4's watchdog measures its first participant check from timestamp zero, so every fresh start warned of
        // a possible deadlock lasting the machine's uptime. Only that category is held to errors; nothing else is hidden.
        silo.Services.AddLogging(logging => logging.AddFilter(WatchdogCategory, LogLevel.Error));
        return silo.AddUploadGrains(silo.Configuration);
    }

    private static void ConfigureEndpoints(EndpointOptions endpoints, ClusterOptions settings)
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
