using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Uploads.Grains.ChunkStorage;
using Orleans.Uploads.Grains.Configuration;

namespace Orleans.Uploads.Hosting;

/// <summary>The services silos and gateways both need around the chunk store: its options, validated at start-up, and the store itself.</summary>
public static class UploadStorage
{
    /// <summary>Upload options (validated at start-up) and the chunk store: what silos and gateways both need.</summary>
    public static IServiceCollection AddUploadStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<UploadOptions>().Bind(configuration.GetSection(UploadOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UploadOptions>, UploadOptionsValidator>());
        services.AddOptions<CleanupOptions>().Bind(configuration.GetSection(CleanupOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CleanupOptions>, CleanupOptionsValidator>());
        services.TryAddSingleton<IChunkStore, FileSystemChunkStore>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
