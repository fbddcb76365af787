namespace Orleans.Uploads.Grains.Configuration;

/// <summary>
/// The <c>Scanning</c> configuration section: which scanner looks at a finished video before it is served, and how
/// failures are retried. With <see cref="ScanMode.None"/> (the default) videos are <c>unscanned</c> and served at once.
/// </summary>
public sealed class ScanningOptions
{
    public const string SectionName = "Scanning";

    /// <summary><c>None</c>, <c>ClamAv</c> or <c>Webhook</c>; a string so a misspelt mode is a validation message, not a binder crash.</summary>
    public string Mode { get; set; } = nameof(ScanMode.None);

    /// <summary>Attempts (each with its own quick retries) before a video is <c>scan_failed</c>.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>How long after a failed attempt the next one starts (the scan grain's reminder period).</summary>
    public TimeSpan AttemptInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Retries inside one attempt, with exponential backoff and jitter from <see cref="RetryDelay"/>.</summary>
    public int RetriesPerAttempt { get; set; } = 3;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public ClamAvScanOptions ClamAv { get; set; } = new();

    public WebhookScanOptions Webhook { get; set; } = new();

    public ScanMode ParsedMode => Enum.TryParse<ScanMode>(Mode, ignoreCase: true, out var mode) && Enum.IsDefined(mode) ? mode : ScanMode.None;

    public bool Enabled => ParsedMode != ScanMode.None;
}

public enum ScanMode
{
    None,
    ClamAv,
    Webhook,
}

/// <summary><c>Scanning:ClamAv</c>: a clamd listening on TCP.</summary>
public sealed class ClamAvScanOptions
{
    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 3310;

    /// <summary>For one whole scan: connecting, streaming the file and waiting for the verdict.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// clamd's <c>StreamMaxLength</c> (its default is 100M): a larger video is not sent at all but is <c>scan_failed</c>
    /// at once, since clamd would cut the stream off and every retry would fail the same way.
    /// </summary>
    public long MaxStreamLength { get; set; } = 100L * 1024 * 1024;
}

/// <summary><c>Scanning:Webhook</c>: an HTTP endpoint that answers a signed description of the video with a verdict.</summary>
public sealed class WebhookScanOptions
{
    public string? Url { get; set; }

    /// <summary>The HMAC-SHA256 key of the <c>X-Uploads-Signature</c> header. Never logged.</summary>
    public string? Secret { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
