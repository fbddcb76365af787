using Microsoft.Extensions.Options;

namespace Orleans.Uploads.Hosting.Telemetry;

/// <summary>Start-up checks of the <c>Telemetry</c> section: a guessable scrape token or an OTLP address that is no URL stops the process.</summary>
public sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public const int MinimumScrapeTokenLength = 32;

    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var failures = new List<string>();
        if (options.ScrapeToken is { } token && (token.Length < MinimumScrapeTokenLength || token.Any(char.IsWhiteSpace)))
        {
            // The message never quotes the token.
            failures.Add($"Telemetry:ScrapeToken must be at least {MinimumScrapeTokenLength} characters without spaces (openssl rand -base64 32).");
        }

        if (options.OtlpEndpoint is { Length: > 0 } endpoint && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
        {
            failures.Add($"Telemetry:OtlpEndpoint must be an absolute URL such as http://collector:4317, not '{endpoint}'.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
