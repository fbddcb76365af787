// Why this file exists: the client's face. The seed API's calls about one upload or video live here; uploading
// (UploadClient.Upload.cs), downloading (UploadClient.Download.cs) and the HTTP plumbing (UploadClient.Http.cs) are
// partial files of the same class.

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Uploads.Client.Api;
using Orleans.Uploads.Client.Resume;

namespace Orleans.Uploads.Client;

/// <summary>
/// The seed API (<c>/api/uploads</c>, <c>/api/videos</c>) over an HttpClient. Register it with
/// <c>services.AddUploadClient(...)</c>, which gives the HttpClient its base address and the standard resilience handler
/// (retries with backoff and Retry-After, timeouts); the client itself never retries by hand.
/// </summary>
public sealed partial class UploadClient
{
    private readonly HttpClient _http;
    private readonly UploadClientOptions _options;
    private readonly ResumeStore? _resume;

    /// <summary>The constructor IHttpClientFactory uses (AddUploadClient).</summary>
    [ActivatorUtilitiesConstructor]
    public UploadClient(HttpClient http, IOptions<UploadClientOptions> options)
        : this(http, options.Value)
    {
    }

    /// <summary>Over an HttpClient the caller configured (base address = the server; add retries yourself, or use AddUploadClient).</summary>
    public UploadClient(HttpClient http, UploadClientOptions options)
    {
        _http = http;
        _options = options;
        if (_http.BaseAddress is null && options.ServerUrl is not null)
        {
            _http.BaseAddress = options.ServerUrl;
        }

        _resume = string.IsNullOrEmpty(options.ResumeStorePath) ? null : new ResumeStore(options.ResumeStorePath, options.ResumeEntryLifetime);
    }

    /// <summary>Progress, missing chunks and state of an upload.</summary>
    public Task<UploadStatusInfo> GetStatusAsync(Guid uploadId, CancellationToken cancellationToken = default) =>
        GetJsonAsync<UploadStatusInfo>($"/api/uploads/{uploadId}", UploadToken(null), cancellationToken);

    /// <summary>Cancels an upload (idempotent): the server drops its temporary data.</summary>
    public async Task CancelAsync(Guid uploadId, CancellationToken cancellationToken = default)
    {
        using var request = NewRequest(HttpMethod.Delete, $"/api/uploads/{uploadId}", UploadToken(null));
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        _resume?.Forget(uploadId);
    }

    /// <summary>Completes an upload whose chunks are all stored (idempotent) and returns its video.</summary>
    public async Task<VideoInfo> CompleteAsync(Guid uploadId, CancellationToken cancellationToken = default) =>
        await CompleteAsync(uploadId, UploadToken(null), cancellationToken);

    public Task<VideoInfo> GetVideoAsync(Guid videoId, CancellationToken cancellationToken = default) =>
        GetJsonAsync<VideoInfo>($"/api/videos/{videoId}", UploadToken(null), cancellationToken);

    /// <summary>The videos of a project.</summary>
    public Task<VideoInfo[]> ListVideosAsync(string projectId, CancellationToken cancellationToken = default) =>
        GetJsonAsync<VideoInfo[]>($"/api/videos?projectId={Uri.EscapeDataString(projectId)}", null, cancellationToken);

    private Task<VideoInfo> CompleteAsync(Guid uploadId, string? uploadToken, CancellationToken cancellationToken) =>
        SendJsonAsync<VideoInfo>(NewRequest(HttpMethod.Post, $"/api/uploads/{uploadId}/complete", uploadToken), cancellationToken);

    /// <summary>The upload token to present: the one given for this upload, else the configured one.</summary>
    private string? UploadToken(string? forThisUpload) => forThisUpload ?? _options.UploadToken;
}
