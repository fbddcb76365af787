using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Uploads.Grains.ChunkStorage;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Uploads.Hosting.Configuration;

namespace Orleans.Uploads.Hosting;

/// <summary>The services silos and gateways both need around the chunk store: its options, validated at start-up, and the store itself.</summary>
public static class UploadStorage
{
    /// <summary>Upload and cleanup options (validated at start-up) and the chunk store: what silos and gateways both need.</summary>
    public static IServiceCollection AddUploadStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<UploadOptions, UploadOptionsValidator>(configuration.GetSection(UploadOptions.SectionName));
        services.AddValidatedOptions<CleanupOptions, CleanupOptionsValidator>(configuration.GetSection(CleanupOptions.SectionName));
        services.TryAddSingleton<IChunkStore, FileSystemChunkStore>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
