using Microsoft.Extensions.Options;

namespace Orleans.Uploads.Grains.Configuration;

/// <summary>Fails start-up with a message that names the bad <c>Scanning</c> setting.</summary>
public sealed class ScanningOptionsValidator : IValidateOptions<ScanningOptions>
{
    private const string Prefix = ScanningOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, ScanningOptions options)
    {
        var failures = new List<string>();
        if (!Enum.TryParse<ScanMode>(options.Mode, ignoreCase: true, out var mode) || !Enum.IsDefined(mode) || int.TryParse(options.Mode, out _))
        {
            failures.Add($"{Prefix}Mode must be None, ClamAv or Webhook (got '{options.Mode}').");
        }

        if (options.MaxAttempts is < 1 or > 1000)
        {
            failures.Add($"{Prefix}MaxAttempts must be between 1 and 1000 (got {options.MaxAttempts}).");
        }

        if (options.RetriesPerAttempt is < 0 or > 20)
        {
            failures.Add($"{Prefix}RetriesPerAttempt must be between 0 and 20 (got {options.RetriesPerAttempt}).");
        }

        RequirePositive(failures, "AttemptInterval", options.AttemptInterval, TimeSpan.FromSeconds(1));
        RequirePositive(failures, "RetryDelay", options.RetryDelay, TimeSpan.FromMilliseconds(1));
        switch (options.ParsedMode)
        {
            case ScanMode.ClamAv:
                ValidateClamAv(failures, options.ClamAv);
                break;
            case ScanMode.Webhook:
                ValidateWebhook(failures, options.Webhook);
                break;
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateClamAv(List<string> failures, ClamAvScanOptions clamAv)
    {
        if (string.IsNullOrWhiteSpace(clamAv.Host))
        {
            failures.Add($"{Prefix}ClamAv:Host must name clamd's host.");
        }

        if (clamAv.Port is < 1 or > 65535)
        {
            failures.Add($"{Prefix}ClamAv:Port must be between 1 and 65535 (got {clamAv.Port}).");
        }

        if (clamAv.MaxStreamLength < 1)
        {
            failures.Add($"{Prefix}ClamAv:MaxStreamLength must be at least 1 byte (got {clamAv.MaxStreamLength}).");
        }

        RequirePositive(failures, "ClamAv:Timeout", clamAv.Timeout, TimeSpan.FromSeconds(1));
    }

    private static void ValidateWebhook(List<string> failures, WebhookScanOptions webhook)
    {
        if (!Uri.TryCreate(webhook.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            failures.Add($"{Prefix}Webhook:Url must be an absolute http or https URL.");
        }

        // The secret's value is never part of a message.
        if (string.IsNullOrEmpty(webhook.Secret) || webhook.Secret.Length < 16)
        {
            failures.Add($"{Prefix}Webhook:Secret must be set, at least 16 characters.");
        }

        RequirePositive(failures, "Webhook:Timeout", webhook.Timeout, TimeSpan.FromSeconds(1));
    }

    private static void RequirePositive(List<string> failures, string setting, TimeSpan value, TimeSpan minimum)
    {
        if (value < minimum)
        {
            failures.Add($"{Prefix}{setting} must be at least {minimum} (got {value}).");
        }
    }
}
