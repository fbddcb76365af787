using System.Net;
using System.Text.Json;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Support;

/// <summary>
/// The harness's seed-API client with these tests' expectations on top: calls that must succeed assert the status and
/// content type and hand back the JSON exactly as the gateway wrote it, so tests can check every field's name and kind.
/// Requests themselves are built by <see cref="UploadsApiClient"/> only.
/// </summary>
public static class ApiExpectations
{
    /// <summary>Initiates an upload and asserts it was created.</summary>
    public static async Task<InitiateReply> StartAsync(
        this UploadsApiClient api, string filename, long fileSize, string? projectId = null, int? chunkSize = null, string? fileHash = null, object? metadata = null)
    {
        using var response = await api.SendInitiateAsync(new InitiateRequest(filename, fileSize, projectId, chunkSize, fileHash, metadata));
        var body = await HttpAssert.JsonAsync(response, HttpStatusCode.Created);
        return body.Deserialize<InitiateReply>(ApiClient.Json)!;
    }

    /// <summary>The bytes of chunk <paramref name="chunkNumber"/> of <paramref name="file"/> under this upload's layout.</summary>
    public static byte[] ChunkOf(this InitiateReply upload, byte[] file, int chunkNumber)
    {
        var offset = (long)chunkNumber * upload.ChunkSize;
        return file.AsSpan((int)offset, (int)Math.Min(upload.ChunkSize, file.Length - offset)).ToArray();
    }

    /// <summary>Stores one chunk and asserts the gateway acknowledged it; returns the receipt.</summary>
    public static async Task<JsonElement> PutChunkOkAsync(this UploadsApiClient api, InitiateReply upload, byte[] file, int chunkNumber, bool withHash = true)
    {
        var chunk = upload.ChunkOf(file, chunkNumber);
        using var response = await api.SendChunkAsync(upload.UploadId, chunkNumber, chunk, withHash ? TestData.Sha256Hex(chunk) : null);
        return await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
    }

    /// <summary>Stores every chunk in order; returns the last receipt (the one that completes the upload).</summary>
    public static async Task<JsonElement> PutAllChunksAsync(this UploadsApiClient api, InitiateReply upload, byte[] file)
    {
        JsonElement last = default;
        for (var chunk = 0; chunk < upload.TotalChunks; chunk++)
        {
            last = await api.PutChunkOkAsync(upload, file, chunk);
        }

        return last;
    }

    public static async Task<JsonElement> GetStatusOkAsync(this UploadsApiClient api, Guid uploadId)
    {
        using var response = await api.SendStatusAsync(uploadId);
        return await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
    }

    /// <summary>A whole chunked upload: initiate, every chunk, complete; returns the video record.</summary>
    public static async Task<JsonElement> UploadAsync(this UploadsApiClient api, string filename, byte[] file, string? projectId = null, object? metadata = null)
    {
        var upload = await api.StartAsync(filename, file.Length, projectId, metadata: metadata);
        await api.PutAllChunksAsync(upload, file);
        using var response = await api.SendCompleteAsync(upload.UploadId);
        return await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
    }

    public static async Task<JsonElement> GetOkAsync(this UploadsApiClient api, string path)
    {
        using var response = await api.GetAsync(path);
        return await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
    }
}
