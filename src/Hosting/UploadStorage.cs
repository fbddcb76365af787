using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Uploads.Grains;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Uploads.Grains.Storage;
using Orleans.Uploads.Hosting.Catalog;
using Orleans.Uploads.Hosting.Configuration;

namespace Orleans.Uploads.Hosting;

/// <summary>The services silos and gateways both need around the stores: their options, validated at start-up, and the stores themselves.</summary>
public static class UploadStorage
{
    /// <summary>Upload and cleanup options (validated at start-up) and the stores, all three served by one file-system store.</summary>
    public static IServiceCollection AddUploadStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<UploadOptions, UploadOptionsValidator>(configuration.GetSection(UploadOptions.SectionName));
        services.AddValidatedOptions<CleanupOptions, CleanupOptionsValidator>(configuration.GetSection(CleanupOptions.SectionName));
        services.TryAddSingleton<FileSystemStore>();
        services.TryAddSingleton<IUploadStore>(static services => services.GetRequiredService<FileSystemStore>());
        services.TryAddSingleton<IVideoStore>(static services => services.GetRequiredService<FileSystemStore>());
        services.TryAddSingleton<IStorageProbe>(static services => services.GetRequiredService<FileSystemStore>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddKeyedSingleton(UploadClock.Key, TimeProvider.System);
        services.AddUploadCatalog(configuration);
        return services;
    }
}
