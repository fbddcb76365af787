using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;

namespace Orleans.Uploads.Bench;

/// <summary>
/// A tusdotnet-shaped stand-in for the tus scenarios to race: tus 1.0.0 creation, HEAD and PATCH, each PATCH body
/// streamed straight to the upload's file at its offset, with no fsync, no hash, no grain, no lease and no state beyond
/// the declared length in memory. It does less than tusdotnet's disk store (which also writes side files per upload and
/// per PATCH), so being faster than it is a stricter bar than being faster than tusdotnet. Served by the baseline-server
/// process next to the raw PUT, under <c>/files/</c>.
/// </summary>
public static class TusBaselineEndpoints
{
    private const int CopyBufferSize = 1024 * 1024;
    private const string Version = "1.0.0";

    public static void MapTusBaseline(this WebApplication app, string root)
    {
        var lengths = new ConcurrentDictionary<Guid, long>();
        app.MapPost("/files/", (HttpRequest request, HttpResponse response) =>
        {
            if (!long.TryParse(request.Headers["Upload-Length"], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                return Results.BadRequest();
            }

            var id = Guid.NewGuid();
            File.Create(PathOf(root, id)).Dispose();
            lengths[id] = length;
            response.Headers["Tus-Resumable"] = Version;
            return Results.Created($"/files/{id:N}", null);
        });
        app.MapMethods("/files/{id:guid}", [HttpMethods.Head], (Guid id, HttpResponse response) =>
        {
            if (!lengths.TryGetValue(id, out var length))
            {
                return Results.NotFound();
            }

            response.Headers["Tus-Resumable"] = Version;
            response.Headers["Upload-Offset"] = new FileInfo(PathOf(root, id)).Length.ToString(CultureInfo.InvariantCulture);
            response.Headers["Upload-Length"] = length.ToString(CultureInfo.InvariantCulture);
            response.Headers.CacheControl = "no-store";
            return Results.Ok();
        });
        app.MapPatch("/files/{id:guid}", async (Guid id, HttpRequest request, HttpResponse response) =>
        {
            if (!lengths.TryGetValue(id, out var length)
                || !long.TryParse(request.Headers["Upload-Offset"], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return Results.NotFound();
            }

            using var handle = File.OpenHandle(PathOf(root, id), FileMode.Open, FileAccess.Write, FileShare.Read, FileOptions.Asynchronous);
            if (RandomAccess.GetLength(handle) != offset)
            {
                return Results.Conflict();
            }

            var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
            try
            {
                int read;
                while ((read = await request.Body.ReadAsync(buffer.AsMemory(0, CopyBufferSize), request.HttpContext.RequestAborted)) > 0)
                {
                    if (offset + read > length)
                    {
                        return Results.BadRequest();
                    }

                    await RandomAccess.WriteAsync(handle, buffer.AsMemory(0, read), offset, request.HttpContext.RequestAborted);
                    offset += read;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            response.Headers["Tus-Resumable"] = Version;
            response.Headers["Upload-Offset"] = offset.ToString(CultureInfo.InvariantCulture);
            return Results.NoContent();
        });
    }

    /// <summary>Where an upload's bytes go: named by its id, so the scenario finds the file to verify.</summary>
    public static string PathOf(string root, Guid id) => Path.Combine(root, id.ToString("N"));
}
