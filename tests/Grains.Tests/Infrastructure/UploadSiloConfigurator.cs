using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.TestingHost;
using Orleans.Uploads.Grains.ChunkStorage;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Uploads.Hosting.GrainStorage;
using Orleans.Uploads.Hosting.Silos;

namespace Orleans.Uploads.Grains.Tests.Infrastructure;

/// <summary>A test silo: the production grains, local-file grain state shared by all silos, the observed chunk store.</summary>
public class UploadSiloConfigurator : ISiloConfigurator
{
    public virtual void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder.AddUploadGrains(siloBuilder.Configuration);
        siloBuilder.AddLocalFileGrainStorage();
        siloBuilder.UseInMemoryReminderService();
        siloBuilder.Services.AddSingleton<IChunkStore>(services =>
            new ObservedChunkStore(new FileSystemChunkStore(services.GetRequiredService<IOptions<UploadOptions>>())));

        // A killed silo is declared dead in seconds, not the production minute.
        siloBuilder.Configure<ClusterMembershipOptions>(options =>
        {
            options.ProbeTimeout = TimeSpan.FromSeconds(1);
            options.NumMissedProbesLimit = 1;
            options.NumVotesForDeathDeclaration = 1;
        });
    }
}
