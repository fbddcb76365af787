using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;

namespace Orleans.Uploads.Bench;

/// <summary>
/// A tusdotnet-shaped stand-in for the tus scenarios to race: tus 1.0.0 creation, HEAD, PATCH and concatenation
/// (<c>Upload-Concat: partial</c>, then <c>final;URL URL ...</c>, what tus-js-client's <c>parallelUploads</c> sends).
/// Each PATCH body is streamed straight to the upload's file at its offset; a final upload copies its finished parts
/// into its own file, in order, as tusdotnet's disk store does. No fsync, no hash, no grain, no lease, no state beyond
/// the declared length in memory. What it skips that tusdotnet's disk store does: side files per upload (length,
/// metadata, concatenation, expiration), a metadata write per PATCH, checksums, expiration, termination, and the
/// spec's refusals (PATCH of a final upload, Tus-Resumable checks, OPTIONS). So being faster than it is a stricter
/// bar than being faster than tusdotnet. Served by the baseline-server process next to the raw PUT, under <c>/files/</c>.
/// </summary>
public static class TusBaselineEndpoints
{
    private const int CopyBufferSize = 1024 * 1024;
    private const string Version = "1.0.0";

    public static void MapTusBaseline(this WebApplication app, string root)
    {
        var lengths = new ConcurrentDictionary<Guid, long>();
        app.MapPost("/files/", async (HttpRequest request, HttpResponse response) =>
        {
            var id = Guid.NewGuid();
            var concat = request.Headers["Upload-Concat"].ToString();
            if (concat.StartsWith("final;", StringComparison.Ordinal))
            {
                // tus-js-client sends the parts' absolute URLs; the id is each URL's last segment.
                var parts = new List<Guid>();
                foreach (var url in concat["final;".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!Guid.TryParse(url.TrimEnd('/').Split('/')[^1], out var part)
                        || !lengths.TryGetValue(part, out var partLength)
                        || new FileInfo(PathOf(root, part)).Length != partLength)
                    {
                        return Results.BadRequest();
                    }

                    parts.Add(part);
                }

                lengths[id] = await ConcatenateAsync(root, id, parts, request.HttpContext.RequestAborted);
            }
            else if (long.TryParse(request.Headers["Upload-Length"], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                File.Create(PathOf(root, id)).Dispose();
                lengths[id] = length;
            }
            else
            {
                return Results.BadRequest();
            }

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

    /// <summary>A final upload: its parts' files copied one after the other into its own file (no fsync); returns its length.</summary>
    private static async Task<long> ConcatenateAsync(string root, Guid id, List<Guid> parts, CancellationToken cancellationToken)
    {
        await using var target = new FileStream(PathOf(root, id), FileMode.CreateNew, FileAccess.Write, FileShare.Read, CopyBufferSize, FileOptions.Asynchronous);
        foreach (var part in parts)
        {
            await using var source = new FileStream(PathOf(root, part), FileMode.Open, FileAccess.Read, FileShare.Read, CopyBufferSize, FileOptions.Asynchronous);
            await source.CopyToAsync(target, CopyBufferSize, cancellationToken);
        }

        return target.Length;
    }

    /// <summary>Where an upload's bytes go: named by its id, so the scenario finds the file to verify.</summary>
    public static string PathOf(string root, Guid id) => Path.Combine(root, id.ToString("N"));
}
