using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Orleans.Uploads.Grains;

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
            default:
                throw new InvalidOperationException($"{ClusterSettings.SectionName}:Clustering={settings.Clustering} is not supported by this build.");
        }

        silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = settings.ResponseTimeout);
        return silo.AddUploadGrains(configuration);
    }
}
