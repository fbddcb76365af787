using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Orleans.Uploads.Bench;

/// <summary>
/// The bench's HTTP clients: one SocketsHttpHandler-based HttpClient per scenario, bodies read from the generated file
/// on disk into per-request chunk buffers (never the whole file), responses only parsed as far as needed.
/// </summary>
public static class Clients
{
    private const string TusVersion = "1.0.0";

    public static HttpClient Create(Uri baseAddress) => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        MaxConnectionsPerServer = int.MaxValue,
        AutomaticDecompression = DecompressionMethods.None,
        UseProxy = false,
        UseCookies = false,
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromMinutes(10),
        DefaultRequestVersion = HttpVersion.Version11,
    };

    /// <summary>The baseline: the whole file as one streamed PUT.</summary>
    public static async Task<string> BaselineAsync(HttpClient http, BenchFile file, long length, string name, bool fsync, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/upload/{name}{(fsync ? "" : "?fsync=0")}") { Content = new FileRangeContent(file, 0, length) };
        using var response = await http.SendAsync(request, cancellationToken);
        await EnsureAsync(response, "baseline PUT");
        return name;
    }

    /// <summary>
    /// The seed API: initiate, then every chunk PUT by <paramref name="inFlight"/> workers that each take the next chunk
    /// number. Returns the upload id once every chunk is acknowledged (the last one completes the upload).
    /// </summary>
    public static async Task<string> SeedAsync(
        HttpClient http, BenchFile file, long length, string sha256, int chunkSize, int inFlight, List<double>? chunkLatenciesMs, CancellationToken cancellationToken,
        long fileOffset = 0)
    {
        var initiated = await InitiateAsync(http, length, sha256, chunkSize, cancellationToken);
        var next = -1;
        var latencies = chunkLatenciesMs;
        await Task.WhenAll(Enumerable.Range(0, Math.Min(inFlight, initiated.TotalChunks)).Select(async _ =>
        {
            var buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
            try
            {
                int chunk;
                while ((chunk = Interlocked.Increment(ref next)) < initiated.TotalChunks)
                {
                    var offset = (long)chunk * chunkSize;
                    var size = (int)Math.Min(chunkSize, length - offset);
                    await file.ReadAsync(buffer.AsMemory(0, size), fileOffset + offset, cancellationToken);
                    using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/uploads/{initiated.UploadId}/chunks/{chunk}")
                    {
                        Content = new ByteArrayContent(buffer, 0, size),
                    };
                    var started = Stopwatch.GetTimestamp();
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                    var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    await EnsureAsync(response, $"PUT chunk {chunk}");
                    if (latencies is not null)
                    {
                        lock (latencies)
                        {
                            latencies.Add(elapsed);
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }));
        return initiated.UploadId;
    }

    /// <summary>tus 1.0.0: create, then PATCH the bytes in pieces of <paramref name="patchSize"/> (or one PATCH when it is null).</summary>
    public static async Task<string> TusAsync(HttpClient http, BenchFile file, long length, long? patchSize, CancellationToken cancellationToken)
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, "/files/");
        create.Headers.Add("Tus-Resumable", TusVersion);
        create.Headers.Add("Upload-Length", length.ToString(CultureInfo.InvariantCulture));
        create.Headers.Add("Upload-Metadata", "filename " + Convert.ToBase64String(Encoding.UTF8.GetBytes("bench.mp4")));
        create.Content = new ByteArrayContent([]);
        using var created = await http.SendAsync(create, cancellationToken);
        await EnsureAsync(created, "tus POST");
        var location = created.Headers.Location ?? throw new InvalidOperationException("tus POST returned no Location");
        var uploadId = location.OriginalString.TrimEnd('/').Split('/')[^1];

        var piece = patchSize ?? length;
        byte[]? buffer = patchSize is { } size ? ArrayPool<byte>.Shared.Rent((int)size) : null;
        try
        {
            for (long offset = 0; offset < length;)
            {
                var take = Math.Min(piece, length - offset);
                HttpContent content;
                if (buffer is not null)
                {
                    await file.ReadAsync(buffer.AsMemory(0, (int)take), offset, cancellationToken);
                    content = new ByteArrayContent(buffer, 0, (int)take);
                }
                else
                {
                    content = new FileRangeContent(file, offset, take);
                }

                using var patch = new HttpRequestMessage(HttpMethod.Patch, location) { Content = content };
                patch.Headers.Add("Tus-Resumable", TusVersion);
                patch.Headers.Add("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
                content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
                using var response = await http.SendAsync(patch, cancellationToken);
                await EnsureAsync(response, $"tus PATCH at {offset}");
                var stored = long.Parse(response.Headers.GetValues("Upload-Offset").Single(), CultureInfo.InvariantCulture);
                if (stored != offset + take)
                {
                    throw new InvalidOperationException($"tus PATCH at {offset} of {take} bytes answered Upload-Offset {stored}");
                }

                offset = stored;
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return uploadId;
    }

    public static async Task<Initiated> InitiateAsync(HttpClient http, long length, string sha256, int chunkSize, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(
            "/api/uploads/initiate", new { filename = "bench.mp4", fileSize = length, chunkSize, fileHash = sha256 }, cancellationToken);
        await EnsureAsync(response, "initiate");
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return new Initiated(json.RootElement.GetProperty("uploadId").GetString()!, json.RootElement.GetProperty("totalChunks").GetInt32());
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync();
            throw new HttpRequestException($"{what}: {(int)response.StatusCode} {body[..Math.Min(body.Length, 500)]}");
        }
    }

    public sealed record Initiated(string UploadId, int TotalChunks);
}
