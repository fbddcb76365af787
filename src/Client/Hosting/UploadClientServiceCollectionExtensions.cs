// Why this file exists: the client is registered the IHttpClientFactory way, a typed client whose HttpClient carries
// the standard resilience handler (Microsoft.Extensions.Http.Resilience): retries with exponential backoff, jitter and
// Retry-After on network failures, 408, 429 and 5xx; an attempt timeout per request; a circuit breaker.
// Hazard: a chunk PUT takes as long as the link needs, so the attempt timeout is the options' (minutes, not the
// handler's 10 s default), and HttpClient.Timeout is off so only the handler decides.

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Orleans.Uploads.Client;

public static class UploadClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="UploadClient"/> as a typed HttpClient with the standard resilience handler. Returns the
    /// builder, to add handlers or configure the primary handler.
    /// </summary>
    public static IHttpClientBuilder AddUploadClient(this IServiceCollection services, Action<UploadClientOptions> configure)
    {
        services.AddOptions<UploadClientOptions>()
            .Configure(configure)
            .Validate(o => o.ServerUrl is { IsAbsoluteUri: true }, "UploadClientOptions.ServerUrl must be an absolute URL (the gateway, e.g. http://localhost:5000)")
            .Validate(o => o.Parallelism >= 1, "UploadClientOptions.Parallelism must be at least 1");

        var builder = services.AddHttpClient<UploadClient>((provider, http) =>
        {
            var options = provider.GetRequiredService<IOptions<UploadClientOptions>>().Value;
            http.BaseAddress = options.ServerUrl;
            http.Timeout = Timeout.InfiniteTimeSpan;
        });
        builder.AddStandardResilienceHandler().Configure((HttpStandardResilienceOptions resilience, IServiceProvider provider) =>
        {
            var options = provider.GetRequiredService<IOptions<UploadClientOptions>>().Value;
            // Polly wants at least one attempt configured; zero retries is "retry nothing".
            resilience.Retry.MaxRetryAttempts = Math.Max(1, options.MaxRetryAttempts);
            if (options.MaxRetryAttempts <= 0)
            {
                resilience.Retry.ShouldHandle = _ => ValueTask.FromResult(false);
            }

            resilience.Retry.Delay = options.RetryDelay;
            resilience.Retry.ShouldRetryAfterHeader = true;
            resilience.AttemptTimeout.Timeout = options.AttemptTimeout;
            resilience.TotalRequestTimeout.Timeout = options.AttemptTimeout * (options.MaxRetryAttempts + 1) + TimeSpan.FromMinutes(5);
            resilience.CircuitBreaker.SamplingDuration = options.AttemptTimeout * 2;
        });
        return builder;
    }
}
