using Microsoft.Extensions.Options;

namespace Orleans.Uploads.Gateway.Hosting;

/// <summary>Fails start-up with a message that names the bad <c>Gateway</c> setting.</summary>
public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    private const string Prefix = GatewayOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        if (options.BodyBufferMegabytes < 1)
        {
            failures.Add($"{Prefix}BodyBufferMegabytes must be at least 1 (got {options.BodyBufferMegabytes}).");
        }

        NotNegative(nameof(options.InitiatePermitsPerMinute), options.InitiatePermitsPerMinute);
        NotNegative(nameof(options.RequestsPerSecond), options.RequestsPerSecond);
        NotNegative(nameof(options.ConcurrentBodiesPerCaller), options.ConcurrentBodiesPerCaller);
        NotNegative(nameof(options.BodyBufferWaitSeconds), options.BodyBufferWaitSeconds);
        NotNegative(nameof(options.MinBodyBytesPerSecond), options.MinBodyBytesPerSecond);

        // Kestrel checks data rates once a second, so it refuses a grace period of a second or less.
        if (options.BodyRateGraceSeconds < 2)
        {
            failures.Add($"{Prefix}BodyRateGraceSeconds must be at least 2 (got {options.BodyRateGraceSeconds}).");
        }

        for (var i = 0; i < options.KnownProxies.Length; i++)
        {
            if (Proxies.TrustedProxies.ProxyProblem(options.KnownProxies[i]) is { } problem)
            {
                failures.Add($"{Prefix}KnownProxies:{i} must be an IP address: {problem}.");
            }
        }

        for (var i = 0; i < options.KnownNetworks.Length; i++)
        {
            if (Proxies.TrustedProxies.NetworkProblem(options.KnownNetworks[i]) is { } problem)
            {
                failures.Add($"{Prefix}KnownNetworks:{i} must be a network: {problem}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void NotNegative(string setting, int value)
        {
            if (value < 0)
            {
                failures.Add($"{Prefix}{setting} must be 0 (no limit) or more (got {value}).");
            }
        }
    }
}
