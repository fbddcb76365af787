using System.Net;
using System.Text.Json;

namespace Orleans.Uploads.Harness;

/// <summary>
/// The typed half of the seed API's client: each call expects the documented success status and returns the reply
/// record, or throws <see cref="UnexpectedResponseException"/> with the body; <see cref="TryPutChunkAsync"/> returns
/// refusals as answers instead, for callers that expect them.
/// </summary>
public sealed partial class UploadsApiClient
{
    public async Task<InitiateReply> InitiateAsync(InitiateRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await SendInitiateAsync(request, cancellationToken);
        return await ReadAsync<InitiateReply>(response, HttpStatusCode.Created, "initiate", cancellationToken);
    }

    /// <summary>Initiates an upload of <paramref name="filename"/> (the API's default chunk size unless one is asked for).</summary>
    public Task<InitiateReply> InitiateAsync(string filename, long fileSize, string? fileHash = null, int? chunkSize = null) =>
        InitiateAsync(new InitiateRequest(filename, fileSize, ChunkSize: chunkSize, FileHash: fileHash));

    /// <summary>Sends one chunk (with <c>X-Chunk-Hash</c> when given) and expects it stored (200).</summary>
    public async Task<ChunkReply> PutChunkAsync(Guid uploadId, int chunkNumber, ReadOnlyMemory<byte> bytes, string? chunkHash = null)
    {
        using var response = await SendChunkAsync(uploadId, chunkNumber, bytes, chunkHash);
        return await ReadAsync<ChunkReply>(response, HttpStatusCode.OK, $"PUT chunk {chunkNumber}");
    }

    /// <summary>Sends one chunk (with <c>X-Chunk-Hash</c> when given) and returns whatever came back.</summary>
    public async Task<ChunkAnswer> TryPutChunkAsync(Guid uploadId, int chunkNumber, ReadOnlyMemory<byte> bytes, string? chunkHash = null)
    {
        using var response = await SendChunkAsync(uploadId, chunkNumber, bytes, chunkHash);
        var body = await response.Content.ReadAsStringAsync();
        return response.StatusCode == HttpStatusCode.OK
            ? new ChunkAnswer(Name, chunkNumber, response.StatusCode, body, JsonSerializer.Deserialize<ChunkReply>(body, Json), null)
            : new ChunkAnswer(Name, chunkNumber, response.StatusCode, body, null, TryParseProblem(body));
    }

    public async Task<StatusReply> GetStatusAsync(Guid uploadId)
    {
        using var response = await SendStatusAsync(uploadId);
        return await ReadAsync<StatusReply>(response, HttpStatusCode.OK, "GET upload status");
    }

    /// <summary>Completes the upload (idempotent) and returns its video record.</summary>
    public async Task<VideoReply> CompleteAsync(Guid uploadId)
    {
        using var response = await SendCompleteAsync(uploadId);
        return await ReadAsync<VideoReply>(response, HttpStatusCode.OK, "complete");
    }

    /// <summary>Cancels the upload and expects 204.</summary>
    public async Task CancelAsync(Guid uploadId)
    {
        using var response = await SendCancelAsync(uploadId);
        await ExpectAsync(response, HttpStatusCode.NoContent, "cancel");
    }

    public async Task<VideoReply> GetVideoAsync(Guid videoId)
    {
        using var response = await SendVideoAsync(videoId);
        return await ReadAsync<VideoReply>(response, HttpStatusCode.OK, "GET video");
    }

    public async Task<VideoReply[]> ListVideosAsync(string projectId)
    {
        using var response = await SendVideosAsync(projectId);
        return await ReadAsync<VideoReply[]>(response, HttpStatusCode.OK, "GET project videos");
    }

    /// <summary>A video's whole content, in memory.</summary>
    public async Task<byte[]> DownloadAsync(Guid videoId)
    {
        using var response = await SendContentAsync(videoId);
        await ExpectAsync(response, HttpStatusCode.OK, "download");
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>A video's content streamed through sha256 without keeping it: its length and lower-case hex digest.</summary>
    public async Task<(long Length, string Sha256)> DownloadSha256Async(Guid videoId)
    {
        using var response = await SendContentAsync(videoId, HttpCompletionOption.ResponseHeadersRead);
        await ExpectAsync(response, HttpStatusCode.OK, "download content");
        return await HttpDownload.HashAsync(response);
    }

    /// <summary>The number of active silos this gateway's cluster client sees, from <c>/health</c>; null when it cannot tell.</summary>
    public async Task<int?> ActiveSilosAsync()
    {
        using var response = await SendHealthAsync();
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return health.RootElement.TryGetProperty("checks", out var checks)
            && checks.TryGetProperty("cluster", out var cluster)
            && cluster.TryGetProperty("data", out var data)
            && data.TryGetProperty("activeSilos", out var silos)
                ? silos.GetInt32()
                : null;
    }

    /// <summary>A body read as a problem (RFC 9457); null when it is not JSON.</summary>
    public static ProblemReply? TryParseProblem(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<ProblemReply>(body, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
