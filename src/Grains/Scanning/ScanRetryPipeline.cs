using Polly;
using Polly.Retry;
using Orleans.Uploads.Grains.Configuration;

namespace Orleans.Uploads.Grains.Scanning;

/// <summary>
/// The quick retries inside one scan attempt (Polly: exponential backoff with jitter from <c>Scanning:RetryDelay</c>).
/// A permanent failure is not retried; the slow retries across attempts are the scan grain's reminder.
/// </summary>
public static class ScanRetryPipeline
{
    public static ResiliencePipeline Create(ScanningOptions options)
    {
        var builder = new ResiliencePipelineBuilder();
        if (options.RetriesPerAttempt > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.RetriesPerAttempt,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not ScanFailedException { Permanent: true }),
            });
        }

        return builder.Build();
    }
}
