using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Uploads.Grains.Scanning;
using Orleans.Uploads.Grains.Scanning.ClamAv;
using Orleans.Uploads.Grains.Scanning.Webhook;
using Orleans.Uploads.Hosting.Configuration;

namespace Orleans.Uploads.Hosting.Scanning;

/// <summary>
/// What a silo needs to scan finished videos: the <c>Scanning</c> section (validated at start-up) and one scanner per
/// mode, keyed by <see cref="ScanMode"/>; the scan grain asks for the configured mode's, so nothing here depends on the
/// settings before they are validated.
/// </summary>
public static class VideoScanningServices
{
    public static IServiceCollection AddVideoScanning(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ScanningOptions, ScanningOptionsValidator>(configuration.GetSection(ScanningOptions.SectionName));
        services.AddKeyedSingleton<IVideoScanner, ClamAvScanner>(ScanMode.ClamAv);
        services.AddKeyedSingleton<IVideoScanner, WebhookScanner>(ScanMode.Webhook);

        // The timeout is the scanner's own (Scanning:Webhook:Timeout), per call.
        services.AddHttpClient(WebhookScanner.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        return services;
    }
}
