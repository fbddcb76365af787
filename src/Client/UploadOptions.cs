// Why this file exists: what may differ per upload (project, chunk size, an upload a backend already started).

namespace Orleans.Uploads.Client;

/// <summary>Per-upload settings for <see cref="UploadClient.UploadFileAsync(string, UploadOptions?, IProgress{UploadProgress}?, CancellationToken)"/>.</summary>
public sealed record UploadOptions
{
    /// <summary>The project the upload belongs to; null is the server's <c>default</c>.</summary>
    public string? ProjectId { get; init; }

    /// <summary>Bytes per chunk; null takes the server's configured size.</summary>
    public int? ChunkSize { get; init; }

    /// <summary>Chunks in flight at once; null takes <see cref="UploadClientOptions.Parallelism"/>.</summary>
    public int? Parallelism { get; init; }

    /// <summary>The name the server records; null takes the file's name.</summary>
    public string? Filename { get; init; }

    /// <summary>Metadata stored with the upload (a flat JSON object).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Send into this existing upload (started by a backend) instead of initiating one; pair with <see cref="UploadToken"/>.</summary>
    public Guid? UploadId { get; init; }

    /// <summary>The upload token of <see cref="UploadId"/> (when the client has no API key).</summary>
    public string? UploadToken { get; init; }

    /// <summary>Whether an interrupted upload of the same file is resumed from the resume store (default true).</summary>
    public bool Resume { get; init; } = true;
}
