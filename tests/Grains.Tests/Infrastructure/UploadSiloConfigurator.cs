using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;
using Orleans.Uploads.Grains.Storage;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Uploads.Hosting.GrainStorage;
using Orleans.Uploads.Hosting.Silos;

namespace Orleans.Uploads.Grains.Tests.Infrastructure;

/// <summary>A test silo: the production grains, local grain state shared by all silos behind a hold tests can put on it, the observed upload store.</summary>
public class UploadSiloConfigurator : ISiloConfigurator
{
    // The local storage under its own name, so the grains' storage can be the held storage in front of it.
    private const string HeldStorageName = "uploads-behind-hold";

    public virtual void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder.AddUploadGrains(siloBuilder.Configuration);
        siloBuilder.AddLocalGrainStorage(HeldStorageName);
        siloBuilder.Services.AddGrainStorage(
            GrainStorageNames.Uploads, static (services, _) => new HeldStateStorage(services.GetRequiredKeyedService<IGrainStorage>(HeldStorageName)));
        siloBuilder.UseInMemoryReminderService();
        siloBuilder.Services.AddSingleton<IUploadStore>(services => new ObservedUploadStore(services.GetRequiredService<FileSystemStore>()));

        // A killed silo is declared dead in seconds, not the production minute.
        siloBuilder.Configure<ClusterMembershipOptions>(options =>
        {
            options.ProbeTimeout = TimeSpan.FromSeconds(1);
            options.NumMissedProbesLimit = 1;
            options.NumVotesForDeathDeclaration = 1;
        });
    }
}
