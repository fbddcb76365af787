namespace Orleans.Uploads.Grains.Configuration;

/// <summary>The <c>Uploads</c> configuration section: the seed's upload settings.</summary>
public sealed class UploadOptions
{
    public const string SectionName = "Uploads";

    /// <summary>Smallest chunk a client may ask for: smaller chunks only multiply per-chunk overhead.</summary>
    public const int MinChunkSize = 64 * 1024;

    /// <summary>Largest chunk: a chunk travels in one grain call, and Orleans drops messages over 100 MiB.</summary>
    public const int MaxChunkSizeLimit = 32 * 1024 * 1024;

    public static readonly string[] DefaultAllowedExtensions = [".mp4", ".avi", ".mov", ".mkv", ".webm"];

    public long MaxFileSize { get; set; } = 500L * 1024 * 1024;

    public int ChunkSize { get; set; } = 5 * 1024 * 1024;

    public int MaxConcurrentChunks { get; set; } = 3;

    public TimeSpan UploadTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Compute every upload's sha256 (kept in the video record; checked against <c>fileHash</c> when one was given).</summary>
    public bool EnableIntegrityCheck { get; set; } = true;

    /// <summary>
    /// At completion, read the whole stored file back and check every chunk against the sha256 it arrived with, asking
    /// again for chunks that changed after they were acknowledged. For stores that other processes can write to; it costs
    /// a second pass over every byte, so it is off by default (the file's sha256 is then computed as chunks are stored).
    /// </summary>
    public bool VerifyStoredChunks { get; set; }

    public string TempDirectory { get; set; } = "temp_uploads";

    public string FinalDirectory { get; set; } = "uploads";

    /// <summary>Where the standalone server keeps grain state on local disk.</summary>
    public string StateDirectory { get; set; } = "upload_state";

    /// <summary>Empty means <see cref="DefaultAllowedExtensions"/>; binding appends to arrays, so the default is applied after binding.</summary>
    public string[] AllowedExtensions { get; set; } = [];

    /// <summary>fsync every chunk before acknowledging it, so an acknowledged chunk survives a power cut.</summary>
    public bool FlushToDisk { get; set; } = true;

    /// <summary>
    /// Space that must stay free on the temp directory's disk: a write that would go below it is refused (507
    /// <c>insufficient_storage</c>) before any of it is stored. 0 turns the floor off.
    /// </summary>
    public long MinFreeDiskMegabytes { get; set; } = 1024;

    /// <summary>
    /// Bytes one caller may hold in unfinished uploads (declared sizes; for an unknown length, what has arrived): 40
    /// uploads of the default maximum size at once. Refused with 507 <c>quota_exceeded</c>. 0 turns the quota off.
    /// </summary>
    public long MaxUnfinishedBytesPerCaller { get; set; } = 20L * 1024 * 1024 * 1024;

    /// <summary>Bytes one project may hold in unfinished uploads, whoever sends them; 0 turns the quota off.</summary>
    public long MaxUnfinishedBytesPerProject { get; set; } = 100L * 1024 * 1024 * 1024;

    public IReadOnlyCollection<string> EffectiveExtensions =>
        AllowedExtensions.Length == 0 ? DefaultAllowedExtensions : AllowedExtensions;

    public bool IsAllowedExtension(string extension) =>
        EffectiveExtensions.Any(allowed => string.Equals(allowed, extension, StringComparison.OrdinalIgnoreCase));
}
