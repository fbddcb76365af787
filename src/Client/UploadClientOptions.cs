// Why this file exists: everything a caller configures about the client once (server, credential, retries, where the
// resume store lives), bound through IOptions by AddUploadClient.

namespace Orleans.Uploads.Client;

/// <summary>Settings of an <see cref="UploadClient"/>: the server, its credential, retries and the resume store.</summary>
public sealed class UploadClientOptions
{
    /// <summary>The gateway's base address, e.g. <c>http://localhost:5000</c>.</summary>
    public Uri? ServerUrl { get; set; }

    /// <summary>An API key, sent as <c>Authorization: Bearer</c>. Never logged. Null with an upload token or an open server.</summary>
    public string? ApiKey { get; set; }

    /// <summary>An upload token a backend handed over (sent as <c>X-Upload-Token</c> when there is no API key).</summary>
    public string? UploadToken { get; set; }

    /// <summary>Chunks in flight at once per upload (the server allows <c>Uploads:MaxConcurrentChunks</c>, 3 by default).</summary>
    public int Parallelism { get; set; } = 3;

    /// <summary>Retries of a request that failed transiently (network, 408, 429, 5xx), with exponential backoff and jitter; 0 for none.</summary>
    public int MaxRetryAttempts { get; set; } = 5;

    /// <summary>The first backoff delay; a <c>Retry-After</c> from the server takes precedence.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one attempt (one chunk's PUT) may take before it is retried.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The resume store's JSON file (upload ids and tokens of unfinished uploads, keyed by file identity). Default:
    /// <c>orleans-uploads/resume.json</c> under the user's local application data. Null or empty turns resume off.
    /// </summary>
    public string? ResumeStorePath { get; set; } = DefaultResumeStorePath();

    /// <summary>Entries older than this are pruned (an upload token lives 24 hours by default).</summary>
    public TimeSpan ResumeEntryLifetime { get; set; } = TimeSpan.FromHours(24);

    public static string DefaultResumeStorePath() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "orleans-uploads", "resume.json");
}
