using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.Configuration;
using Orleans.Uploads.Grains.Storage;
using Orleans.Uploads.Grains.Cleanup;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Uploads.Grains.GrainStorage;

namespace Orleans.Uploads.Grains;

public static class UploadsHostingExtensions
{
    /// <summary>Upload options (validated at start-up) and the chunk store: what silos and gateways both need.</summary>
    public static IServiceCollection AddUploadStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<UploadOptions>().Bind(configuration.GetSection(UploadOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UploadOptions>, UploadOptionsValidator>());
        services.AddOptions<CleanupOptions>().Bind(configuration.GetSection(CleanupOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CleanupOptions>, CleanupOptionsValidator>());
        services.TryAddSingleton<FileSystemStore>();
        services.TryAddSingleton<IUploadStore>(static services => services.GetRequiredService<FileSystemStore>());
        services.TryAddSingleton<IVideoStore>(static services => services.GetRequiredService<FileSystemStore>());
        services.TryAddSingleton<IStorageProbe>(static services => services.GetRequiredService<FileSystemStore>());
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>Everything a silo needs to host upload grains, except where grain state is stored.</summary>
    public static ISiloBuilder AddUploadGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddUploadStorage(configuration);
        silo.UseSystemTextJsonGrainStorageSerializer();

        // Reminders refuse periods under their minimum (a minute by default); the cleanup's period is the setting that counts.
        var cleanupPeriod = configuration.GetSection(CleanupOptions.SectionName).Get<CleanupOptions>()?.ReminderPeriod ?? new CleanupOptions().ReminderPeriod;
        silo.Configure<ReminderOptions>(reminders => reminders.MinimumReminderPeriod = TimeSpan.FromTicks(Math.Min(reminders.MinimumReminderPeriod.Ticks, cleanupPeriod.Ticks)));
        silo.AddStartupTask((services, cancellation) =>
        {
            // In the background and retried: a peer dying while this silo starts must not stop it from starting.
            _ = ScheduleCleanupAsync(services);
            return Task.CompletedTask;
        });
        return silo;
    }

    private static async Task ScheduleCleanupAsync(IServiceProvider services)
    {
        var cleanup = services.GetRequiredService<IGrainFactory>().GetGrain<ICleanupGrain>(ICleanupGrain.Key);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger<ICleanupGrain>();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await cleanup.EnsureScheduledAsync();
                return;
            }
            catch (Exception ex) when (attempt < 30)
            {
                logger.LogWarning(ex, "Scheduling the cleanup reminder failed (attempt {Attempt}); retrying", attempt);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 10)));
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Scheduling the cleanup reminder failed {Attempts} times; another silo's start will try again", attempt);
                return;
            }
        }
    }

    /// <summary>Grain state on local disk under <see cref="UploadOptions.StateDirectory"/>: the standalone server's storage.</summary>
    public static ISiloBuilder AddLocalFileGrainStorage(this ISiloBuilder silo, string name = GrainStorageNames.Uploads)
    {
        silo.Services.AddGrainStorage(name, static (services, _) => new LocalFileGrainStorage(
            Path.GetFullPath(services.GetRequiredService<IOptions<UploadOptions>>().Value.StateDirectory),
            services.GetRequiredService<IGrainStorageSerializer>()));
        return silo;
    }
}
