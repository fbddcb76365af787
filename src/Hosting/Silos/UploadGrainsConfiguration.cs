using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Uploads.Grains.Cleanup;
using Orleans.Uploads.Grains.Configuration;

namespace Orleans.Uploads.Hosting.Silos;

/// <summary>What a silo needs to host the upload grains, wherever their state is stored: options, chunk store, serializer, the cleanup reminder.</summary>
public static class UploadGrainsConfiguration
{
    /// <summary>Everything a silo needs to host upload grains, except where grain state is stored.</summary>
    public static ISiloBuilder AddUploadGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddUploadStorage(configuration);
        silo.UseSystemTextJsonGrainStorageSerializer();

        // Reminders refuse periods under their minimum (a minute by default); the cleanup's period is the setting that counts.
        silo.Services.AddOptions<ReminderOptions>().Configure<IOptions<CleanupOptions>>((reminders, cleanup) => reminders.MinimumReminderPeriod =
            TimeSpan.FromTicks(Math.Min(reminders.MinimumReminderPeriod.Ticks, cleanup.Value.ReminderPeriod.Ticks)));
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
}
