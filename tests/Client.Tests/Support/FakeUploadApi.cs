// Why this file exists: the seed API's happy path as a local endpoint answers it (initiate, chunk PUT, complete),
// reading and discarding chunk bodies, with a hook that may answer a chunk PUT otherwise (429, 503).

using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Orleans.Uploads.Client.Tests.Support;

public sealed class FakeUploadApi(int chunkSize, Func<int, int, IResult?>? chunkOverride = null)
{
    private long _fileSize;

    /// <summary>Every chunk PUT, in arrival order: chunk number and when it arrived.</summary>
    public ConcurrentQueue<(int Chunk, DateTimeOffset At)> ChunkAttempts { get; } = new();

    private long _bytesReceived;

    /// <summary>Chunk body bytes read so far.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    public void Map(IEndpointRouteBuilder routes)
    {
        var id = Guid.NewGuid();
        routes.MapPost("/api/uploads/initiate", async (HttpContext http) =>
        {
            var body = await http.Request.ReadFromJsonAsync<System.Text.Json.JsonElement>();
            _fileSize = body.GetProperty("fileSize").GetInt64();
            var total = (int)((_fileSize + chunkSize - 1) / chunkSize);
            return Results.Created($"/api/uploads/{id}", new { uploadId = id, uploadToken = "token", chunkSize, totalChunks = total, status = "initiated", expiresAt = DateTimeOffset.UtcNow.AddHours(1) });
        });
        routes.MapPut("/api/uploads/{uploadId}/chunks/{chunk:int}", async (int chunk, HttpContext http) =>
        {
            var attempt = ChunkAttempts.Count(a => a.Chunk == chunk) + 1;
            ChunkAttempts.Enqueue((chunk, DateTimeOffset.UtcNow));
            if (chunkOverride?.Invoke(chunk, attempt) is { } answer)
            {
                return answer;
            }

            var buffer = new byte[64 * 1024];
            int n;
            while ((n = await http.Request.Body.ReadAsync(buffer)) > 0)
            {
                Interlocked.Add(ref _bytesReceived, n);
            }

            return Results.Ok(new { uploadId = id, chunkNumber = chunk, completedChunks = 0, totalChunks = 0, uploadedBytes = 0, status = "uploading", alreadyStored = false });
        });
        routes.MapPost("/api/uploads/{uploadId}/complete", () => Results.Ok(new
        {
            id, uploadId = id, projectId = "default", filename = "f", originalName = "f", size = _fileSize, status = "uploaded",
            createdAt = DateTimeOffset.UtcNow, fileHash = (string?)null, contentUrl = $"/api/videos/{id}/content", scanStatus = "none",
        }));
    }
}
