using System.Buffers;
using System.Diagnostics;
using System.Net;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Bench;

/// <summary>
/// The bench's client of one server: one SocketsHttpHandler-based HttpClient per scenario, and the harness's API
/// clients over it (the same seed API and tus clients the tests use). Bodies are read from the generated file on disk
/// into per-request chunk buffers (never the whole file); responses are only read when they are not the expected ones.
/// </summary>
public sealed class BenchClient : IDisposable
{
    private BenchClient(HttpClient http)
    {
        Http = http;
        Api = new UploadsApiClient(http);
        Tus = new TusApiClient(http);
    }

    public HttpClient Http { get; }

    public UploadsApiClient Api { get; }

    public TusApiClient Tus { get; }

    /// <summary>A client of <paramref name="baseAddress"/> that sends <paramref name="access"/>'s API key on every request, when given.</summary>
    public static BenchClient Create(Uri baseAddress, AccessKeys? access = null) => new(new HttpClient(new SocketsHttpHandler
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
        DefaultRequestHeaders = { Authorization = access?.Authorization },
    });

    /// <summary>The baseline: the whole file as one streamed PUT.</summary>
    public async Task<string> BaselineAsync(BenchFile file, long length, string name, bool fsync, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/upload/{name}{(fsync ? "" : "?fsync=0")}") { Content = new FileRangeContent(file, 0, length) };
        using var response = await Http.SendAsync(request, cancellationToken);
        await Api.ExpectSuccessAsync(response, "baseline PUT");
        return name;
    }

    /// <summary>
    /// The seed API: initiate, then every chunk PUT by <paramref name="inFlight"/> workers that each take the next chunk
    /// number. Returns the upload id once every chunk is acknowledged (the last one completes the upload).
    /// </summary>
    public async Task<Guid> SeedAsync(
        BenchFile file, long length, string sha256, int chunkSize, int inFlight, List<double>? chunkLatenciesMs, CancellationToken cancellationToken,
        long fileOffset = 0)
    {
        var initiated = await Api.InitiateAsync(new InitiateRequest("bench.mp4", length, ChunkSize: chunkSize, FileHash: sha256), cancellationToken);
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
                    var started = Stopwatch.GetTimestamp();
                    using var response = await Api.SendChunkAsync(initiated.UploadId, chunk, new ByteArrayContent(buffer, 0, size), cancellationToken: cancellationToken);
                    var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    await Api.ExpectAsync(response, HttpStatusCode.OK, $"PUT chunk {chunk}");
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
    /// <remarks>The bytes come from <paramref name="fileOffset"/> on in the file; each PATCH's latency goes to <paramref name="patchLatenciesMs"/>.</remarks>
    public async Task<Guid> TusAsync(
        BenchFile file, long length, long? patchSize, CancellationToken cancellationToken, long fileOffset = 0, List<double>? patchLatenciesMs = null)
    {
        var uploadId = await Tus.CreateAsync("bench.mp4", length, cancellationToken);
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
                    await file.ReadAsync(buffer.AsMemory(0, (int)take), fileOffset + offset, cancellationToken);
                    content = new ByteArrayContent(buffer, 0, (int)take);
                }
                else
                {
                    content = new FileRangeContent(file, fileOffset + offset, take);
                }

                var started = Stopwatch.GetTimestamp();
                var reply = await Tus.PatchAsync(uploadId, offset, content, cancellationToken: cancellationToken);
                if (patchLatenciesMs is not null)
                {
                    lock (patchLatenciesMs)
                    {
                        patchLatenciesMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                }

                if (reply.Status != HttpStatusCode.NoContent || reply.Offset != offset + take)
                {
                    throw new InvalidOperationException($"tus PATCH at {offset} of {take} bytes answered {(int)reply.Status}, Upload-Offset {reply.Offset}: {reply.Body}");
                }

                offset += take;
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

    public void Dispose() => Http.Dispose();
}
