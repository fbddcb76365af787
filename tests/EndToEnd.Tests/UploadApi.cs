using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.EndToEnd.Tests;

/// <summary>The chunked upload API as a client sees it over HTTP; unexpected answers fail with the body and the server's output.</summary>
public sealed class UploadApi(GatewayServer server)
{
    public const string ChunkHashHeader = "X-Chunk-Hash";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private HttpClient Http => server.Http;

    public async Task<InitiateReply> InitiateAsync(string filename, long fileSize, string? fileHash)
    {
        using var response = await Http.PostAsJsonAsync(
            new Uri("/api/uploads/initiate", UriKind.Relative), new { filename, fileSize, fileHash }, Json);
        return await ReadAsync<InitiateReply>(response, HttpStatusCode.Created, "initiate");
    }

    /// <summary>Sends one chunk with its sha256 in <c>X-Chunk-Hash</c> and expects it stored (200).</summary>
    public async Task<ChunkReply> PutChunkAsync(Guid uploadId, int chunkNumber, byte[] bytes, string? sha256 = null)
    {
        using var response = await SendChunkAsync(uploadId, chunkNumber, new ByteArrayContent(bytes), sha256 ?? RandomFile.Sha256Of(bytes));
        return await ReadAsync<ChunkReply>(response, HttpStatusCode.OK, $"PUT chunk {chunkNumber}");
    }

    /// <summary>Sends one chunk and expects a problem answer with <paramref name="expected"/>.</summary>
    public async Task<ProblemReply> PutChunkExpectingProblemAsync(Guid uploadId, int chunkNumber, byte[] bytes, string sha256, HttpStatusCode expected)
    {
        using var response = await SendChunkAsync(uploadId, chunkNumber, new ByteArrayContent(bytes), sha256);
        return await ReadAsync<ProblemReply>(response, expected, $"PUT chunk {chunkNumber}");
    }

    public async Task<HttpResponseMessage> SendChunkAsync(Guid uploadId, int chunkNumber, HttpContent content, string sha256)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"/api/uploads/{uploadId}/chunks/{chunkNumber}", UriKind.Relative))
        {
            Content = content,
        };
        content.Headers.ContentType ??= new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.Add(ChunkHashHeader, sha256);
        return await Http.SendAsync(request);
    }

    public async Task<StatusReply> GetStatusAsync(Guid uploadId)
    {
        using var response = await Http.GetAsync(new Uri($"/api/uploads/{uploadId}", UriKind.Relative));
        return await ReadAsync<StatusReply>(response, HttpStatusCode.OK, "GET upload status");
    }

    public async Task<VideoReply> CompleteAsync(Guid uploadId)
    {
        using var response = await Http.PostAsync(new Uri($"/api/uploads/{uploadId}/complete", UriKind.Relative), content: null);
        return await ReadAsync<VideoReply>(response, HttpStatusCode.OK, "complete");
    }

    /// <summary>Streams a video's content through sha256 without keeping it: its length and lower-case hex digest.</summary>
    public async Task<(long Length, string Sha256)> DownloadAsync(Guid videoId)
    {
        using var response = await Http.GetAsync(new Uri($"/api/videos/{videoId}/content", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            Assert.Fail(await DescribeAsync(response, HttpStatusCode.OK, "download content"));
        }

        return await HttpDownload.HashAsync(response);
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        if (response.StatusCode != expected)
        {
            Assert.Fail(await DescribeAsync(response, expected, what));
        }

        return await response.Content.ReadFromJsonAsync<T>(Json)
            ?? throw new InvalidOperationException($"{what}: the body was JSON null");
    }

    private async Task<string> DescribeAsync(HttpResponseMessage response, HttpStatusCode expected, string what) =>
        $"{what}: expected {(int)expected} {expected}, got {(int)response.StatusCode} {response.StatusCode}: "
        + $"{await response.Content.ReadAsStringAsync()}\n--- {server.Process.Name} output ---\n{server.Process.Output}";
}
