using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace Orleans.Uploads.Harness;

/// <summary>
/// The seed API (<c>/api/uploads</c>, <c>/api/videos</c>) as a client calls it, over an HttpClient the caller owns and
/// configures (base address, timeouts, connection pool). The one client of that API for tests and the bench. Two
/// layers: the <c>Send…</c> methods here build a request and hand back the response as it came (the caller checks
/// status, headers and problem bodies, and disposes it); the typed methods (UploadsApiClient.Replies.cs) expect the
/// documented success and return the reply records.
/// </summary>
public sealed partial class UploadsApiClient(HttpClient http, string name = "gateway", Func<string>? serverOutput = null)
    : ApiClient(http, name, serverOutput)
{
    public const string ChunkHashHeader = "X-Chunk-Hash";

    /// <summary><c>POST /api/uploads/initiate</c> with <paramref name="body"/> as JSON (an <see cref="InitiateRequest"/>, or any shape a test needs).</summary>
    public Task<HttpResponseMessage> SendInitiateAsync(object body, CancellationToken cancellationToken = default) =>
        Http.PostAsJsonAsync(Relative("/api/uploads/initiate"), body, Json, cancellationToken);

    /// <summary><c>POST /api/uploads/initiate</c> with exactly this text as its JSON body.</summary>
    public Task<HttpResponseMessage> SendInitiateJsonAsync(string json) =>
        Http.PostAsync(Relative("/api/uploads/initiate"), new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>PUT of one chunk's bytes (<c>application/octet-stream</c>), with <c>X-Chunk-Hash</c> when given.</summary>
    public Task<HttpResponseMessage> SendChunkAsync(Guid uploadId, int chunkNumber, ReadOnlyMemory<byte> bytes, string? chunkHash = null, CancellationToken cancellationToken = default)
    {
        var content = new ReadOnlyMemoryContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return SendChunkAsync(uploadId, chunkNumber, content, chunkHash, cancellationToken);
    }

    /// <summary>PUT of one chunk with a body the caller made (streamed, paused, pooled: it is sent as it is, then disposed).</summary>
    public Task<HttpResponseMessage> SendChunkAsync(Guid uploadId, int chunkNumber, HttpContent content, string? chunkHash = null, CancellationToken cancellationToken = default) =>
        SendChunkAsync(uploadId.ToString(), chunkNumber.ToString(CultureInfo.InvariantCulture), content, chunkHash, cancellationToken);

    /// <summary>PUT of one chunk to any upload id and chunk number text, well-formed or not.</summary>
    public async Task<HttpResponseMessage> SendChunkAsync(string uploadId, string chunkNumber, HttpContent content, string? chunkHash = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, Relative($"/api/uploads/{uploadId}/chunks/{chunkNumber}")) { Content = content };
        if (chunkHash is not null)
        {
            request.Headers.TryAddWithoutValidation(ChunkHashHeader, chunkHash);
        }

        return await Http.SendAsync(request, cancellationToken);
    }

    public Task<HttpResponseMessage> SendStatusAsync(Guid uploadId) => SendStatusAsync(uploadId.ToString());

    public Task<HttpResponseMessage> SendStatusAsync(string uploadId) => Http.GetAsync(Relative($"/api/uploads/{uploadId}"));

    public Task<HttpResponseMessage> SendCompleteAsync(Guid uploadId) => SendCompleteAsync(uploadId.ToString());

    public Task<HttpResponseMessage> SendCompleteAsync(string uploadId) => Http.PostAsync(Relative($"/api/uploads/{uploadId}/complete"), content: null);

    public Task<HttpResponseMessage> SendCancelAsync(Guid uploadId) => SendCancelAsync(uploadId.ToString());

    public Task<HttpResponseMessage> SendCancelAsync(string uploadId) => Http.DeleteAsync(Relative($"/api/uploads/{uploadId}"));

    public Task<HttpResponseMessage> SendStatisticsAsync() => Http.GetAsync(Relative("/api/uploads/statistics"));

    public Task<HttpResponseMessage> SendVideoAsync(Guid videoId) => Http.GetAsync(Relative($"/api/videos/{videoId}"));

    public Task<HttpResponseMessage> SendVideosAsync(string projectId) => Http.GetAsync(Relative($"/api/videos?projectId={Uri.EscapeDataString(projectId)}"));

    /// <summary>GET of a video's content; <see cref="HttpCompletionOption.ResponseHeadersRead"/> to stream it.</summary>
    public Task<HttpResponseMessage> SendContentAsync(Guid videoId, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead) =>
        Http.GetAsync(Relative($"/api/videos/{videoId}/content"), completion);

    public Task<HttpResponseMessage> SendHealthAsync(CancellationToken cancellationToken = default) => Http.GetAsync(Relative("/health"), cancellationToken);

    /// <summary>The legacy one-shot form post (<c>POST /api/videos</c>), the optional <c>project_id</c> field before or after the file part.</summary>
    public async Task<HttpResponseMessage> SendLegacyUploadAsync(string? filename, byte[]? file, string? projectId = null, bool projectFirst = true)
    {
        using var form = new MultipartFormDataContent();
        if (projectFirst && projectId is not null)
        {
            form.Add(new StringContent(projectId), "project_id");
        }

        if (filename is not null && file is not null)
        {
            var part = new ByteArrayContent(file);
            part.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
            form.Add(part, "file", filename);
        }

        if (!projectFirst && projectId is not null)
        {
            form.Add(new StringContent(projectId), "project_id");
        }

        return await Http.PostAsync(Relative("/api/videos"), form);
    }

    /// <summary>GET of a path on the gateway, such as a link the API handed out (<c>Location</c>, <c>contentUrl</c>).</summary>
    public Task<HttpResponseMessage> GetAsync(string path) => Http.GetAsync(Relative(path));
}
