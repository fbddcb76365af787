using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Uploads.Grains.Cleanup;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Uploads.Grains.Scanning;
using Orleans.Uploads.Hosting.Scanning;
using Orleans.Uploads.Hosting.Telemetry;

namespace Orleans.Uploads.Hosting.Silos;

/// <summary>What a silo needs to host the upload grains, wherever their state is stored: options, chunk store, serializer, scanners, the cleanup reminder and resumed scans.</summary>
public static class UploadGrainsConfiguration
{
    /// <summary>Everything a silo needs to host upload grains, except where grain state is stored.</summary>
    public static ISiloBuilder AddUploadGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddUploadStorage(configuration);
        silo.Services.AddVideoScanning(configuration);
        silo.UseSystemTextJsonGrainStorageSerializer();
        silo.AddUploadsTelemetry(); // the sessions' meter, trace context across grain calls, the dashboard when enabled

        // Reminders refuse periods under their minimum (a minute by default); the cleanup's and the scans' periods are the settings that count.
        silo.Services.AddOptions<ReminderOptions>().Configure<IOptions<CleanupOptions>, IOptions<ScanningOptions>>((reminders, cleanup, scanning) =>
            reminders.MinimumReminderPeriod = TimeSpan.FromTicks(Math.Min(
                reminders.MinimumReminderPeriod.Ticks,
                Math.Min(cleanup.Value.ReminderPeriod.Ticks, scanning.Value.AttemptInterval.Ticks))));
        silo.AddStartupTask((services, cancellation) =>
        {
            // In the background and retried: a peer dying while this silo starts must not stop it from starting.
            _ = RetryInBackgroundAsync(services, "Scheduling the cleanup reminder", grains => grains.GetGrain<ICleanupGrain>(ICleanupGrain.Key).EnsureScheduledAsync());

            // Scans whose reminders a restart lost (in-memory reminders) are driven on again.
            _ = RetryInBackgroundAsync(services, "Resuming pending video scans", grains => grains.GetGrain<IPendingScansGrain>(IPendingScansGrain.Key).ResumeAllAsync());
            return Task.CompletedTask;
        });
        return silo;
    }

    private static async Task RetryInBackgroundAsync(IServiceProvider services, string what, Func<IGrainFactory, Task> call)
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(UploadGrainsConfiguration));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call(grains);
                return;
            }
            catch (Exception ex) when (attempt < 30)
            {
                logger.LogWarning(ex, "{What} failed (attempt {Attempt}); retrying", what, attempt);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 10)));
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "{What} failed {Attempts} times; another silo's start will try again", what, attempt);
                return;
            }
        }
    }
}
