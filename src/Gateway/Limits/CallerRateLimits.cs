using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Gateway.Hosting;
using Orleans.Uploads.Gateway.Problems;

namespace Orleans.Uploads.Gateway.Limits;

/// <summary>
/// Per-caller limits, all in ASP.NET's global rate limiter so one mechanism guards every route: requests per second
/// on every route, new uploads per minute on the routes that start one (<see cref="LimitedRoutes.LimitAsNewUpload"/>),
/// and bodies at once on the routes that carry upload bytes (<see cref="LimitedRoutes.LimitAsUploadBody"/>). A caller
/// is its authenticated name (API key, JWT, open mode's developer), else its client address (upload-token holders,
/// anonymous requests). Refusals are 429 <c>rate_limited</c> with Retry-After. Health probes opt out
/// (<c>DisableRateLimiting</c>).
/// Hazard: the limiter runs after authentication, so it partitions by who the caller is; an unauthenticated flood is
/// answered 401 before it is counted.
/// </summary>
public static class CallerRateLimits
{
    public static IServiceCollection AddCallerRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter => limiter.OnRejected = async (context, _) =>
        {
            // A concurrency refusal has no time of its own to wait: one second, as long as a chunk takes on a good link.
            var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                : 1;
            context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await Problem.Create(StatusCodes.Status429TooManyRequests, "rate_limited", $"too many requests from this caller; retry in {seconds} s")
                .ExecuteAsync(context.HttpContext);
        });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<GatewayOptions>>((limiter, gateway) =>
            limiter.GlobalLimiter = Create(gateway.Value));
        return services;
    }

    private static PartitionedRateLimiter<HttpContext> Create(GatewayOptions options)
    {
        var requestsPerSecond = options.RequestsPerSecond;
        var initiatesPerMinute = options.InitiatePermitsPerMinute;
        var bodiesAtOnce = options.ConcurrentBodiesPerCaller;
        return PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<HttpContext, string>(http => requestsPerSecond <= 0
                ? Unlimited
                : RateLimitPartition.GetTokenBucketLimiter(CallerOf(http), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = requestsPerSecond,
                    TokensPerPeriod = requestsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                })),
            PartitionedRateLimiter.Create<HttpContext, string>(http => initiatesPerMinute <= 0 || !LimitedRoutes.StartsUpload(http)
                ? Unlimited
                : RateLimitPartition.GetFixedWindowLimiter(CallerOf(http), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = initiatesPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                })),
            PartitionedRateLimiter.Create<HttpContext, string>(http => bodiesAtOnce <= 0 || !LimitedRoutes.CarriesUploadBody(http)
                ? Unlimited
                : RateLimitPartition.GetConcurrencyLimiter(CallerOf(http), _ => new ConcurrencyLimiterOptions
                {
                    // No queue: a queued request would hold its connection without reading, which no data rate guards.
                    PermitLimit = bodiesAtOnce,
                    QueueLimit = 0,
                })));
    }

    private static RateLimitPartition<string> Unlimited => RateLimitPartition.GetNoLimiter("unlimited");

    /// <summary>The partition of a request: its caller's name, else its client address.</summary>
    private static string CallerOf(HttpContext http) =>
        http.User.FindFirst(Caller.CallerClaim)?.Value is { } name
            ? "caller:" + name
            : "address:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}
