using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Orleans.Uploads.Gateway.Tests.Support;

/// <summary>An upload the gateway accepted: its id and the chunk layout it answered with.</summary>
public sealed record StartedUpload(Guid UploadId, int ChunkSize, int TotalChunks)
{
    /// <summary>The bytes of chunk <paramref name="chunkNumber"/> of <paramref name="file"/> under this layout.</summary>
    public byte[] ChunkOf(byte[] file, int chunkNumber)
    {
        var offset = (long)chunkNumber * ChunkSize;
        return file.AsSpan((int)offset, (int)Math.Min(ChunkSize, file.Length - offset)).ToArray();
    }
}

/// <summary>The gateway's HTTP API as the tests call it: thin wrappers over the real endpoints, nothing mocked.</summary>
public sealed class UploadsApi(HttpClient http)
{
    public HttpClient Http => http;

    public Task<HttpResponseMessage> InitiateAsync(object body) =>
        http.PostAsJsonAsync(new Uri("/api/uploads/initiate", UriKind.Relative), body);

    public Task<HttpResponseMessage> InitiateRawAsync(string json) =>
        http.PostAsync(new Uri("/api/uploads/initiate", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>Initiates an upload and asserts it was created.</summary>
    public async Task<StartedUpload> StartAsync(
        string filename, long fileSize, string? projectId = null, int? chunkSize = null, string? fileHash = null, object? metadata = null)
    {
        using var response = await InitiateAsync(new { filename, fileSize, projectId, chunkSize, fileHash, metadata });
        var body = await HttpAssert.JsonAsync(response, HttpStatusCode.Created);
        return new StartedUpload(body.GetProperty("uploadId").GetGuid(), body.GetProperty("chunkSize").GetInt32(), body.GetProperty("totalChunks").GetInt32());
    }

    public Task<HttpResponseMessage> PutChunkAsync(Guid uploadId, int chunkNumber, byte[] data, string? chunkHash = null) =>
        PutChunkAsync(uploadId.ToString(), chunkNumber.ToString(CultureInfo.InvariantCulture), new ByteArrayContent(data), chunkHash);

    public async Task<HttpResponseMessage> PutChunkAsync(string uploadId, string chunkNumber, HttpContent content, string? chunkHash = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"/api/uploads/{uploadId}/chunks/{chunkNumber}", UriKind.Relative)) { Content = content };
        if (chunkHash is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Chunk-Hash", chunkHash);
        }

        return await http.SendAsync(request);
    }

    /// <summary>Stores one chunk and asserts the gateway acknowledged it; returns the receipt.</summary>
    public async Task<JsonElement> PutChunkOkAsync(StartedUpload upload, byte[] file, int chunkNumber, bool withHash = true)
    {
        var chunk = upload.ChunkOf(file, chunkNumber);
        using var response = await PutChunkAsync(upload.UploadId, chunkNumber, chunk, withHash ? TestData.Sha256Hex(chunk) : null);
        return await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
    }

    /// <summary>Stores every chunk in order; returns the last receipt (the one that completes the upload).</summary>
    public async Task<JsonElement> PutAllChunksAsync(StartedUpload upload, byte[] file)
    {
        JsonElement last = default;
        for (var chunk = 0; chunk < upload.TotalChunks; chunk++)
        {
            last = await PutChunkOkAsync(upload, file, chunk);
        }

        return last;
    }

    public Task<HttpResponseMessage> GetStatusAsync(Guid uploadId) => GetAsync($"/api/uploads/{uploadId}");

    public async Task<JsonElement> GetStatusOkAsync(Guid uploadId)
    {
        using var response = await GetStatusAsync(uploadId);
        return await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
    }

    public Task<HttpResponseMessage> CompleteAsync(Guid uploadId) => CompleteAsync(uploadId.ToString());

    public Task<HttpResponseMessage> CompleteAsync(string uploadId) =>
        http.PostAsync(new Uri($"/api/uploads/{uploadId}/complete", UriKind.Relative), content: null);

    public Task<HttpResponseMessage> CancelAsync(Guid uploadId) => CancelAsync(uploadId.ToString());

    public Task<HttpResponseMessage> CancelAsync(string uploadId) =>
        http.DeleteAsync(new Uri($"/api/uploads/{uploadId}", UriKind.Relative));

    /// <summary>A whole chunked upload: initiate, every chunk, complete; returns the video record.</summary>
    public async Task<JsonElement> UploadAsync(string filename, byte[] file, string? projectId = null, object? metadata = null)
    {
        var upload = await StartAsync(filename, file.Length, projectId, metadata: metadata);
        await PutAllChunksAsync(upload, file);
        using var response = await CompleteAsync(upload.UploadId);
        return await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
    }

    /// <summary>The legacy form post, with the optional project field before or after the file part.</summary>
    public async Task<HttpResponseMessage> PostLegacyAsync(string? filename, byte[]? file, string? projectId = null, bool projectFirst = true)
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

        return await http.PostAsync(new Uri("/api/videos", UriKind.Relative), form);
    }

    public Task<HttpResponseMessage> GetAsync(string path) => http.GetAsync(new Uri(path, UriKind.Relative));

    public async Task<JsonElement> GetOkAsync(string path)
    {
        using var response = await GetAsync(path);
        return await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
    }
}
