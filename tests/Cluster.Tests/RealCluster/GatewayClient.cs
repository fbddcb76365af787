using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Cluster.Tests.RealCluster;

/// <summary>
/// One gateway of the real cluster as an HTTP client sees it: the chunked API, downloads and the tus endpoints it needs.
/// It has its own connection pool and a short timeout, so a request stuck behind a dead silo is a failure a caller can
/// retry. The base address stays valid across restarts (a restarted gateway keeps its port). Unexpected answers fail
/// with the body and the end of the gateway's output.
/// </summary>
public sealed class GatewayClient : IDisposable
{
    public const string ChunkHashHeader = "X-Chunk-Hash";
    /// <summary>
    /// How long the client waits for one answer. A request caught on a silo that is killed is held by the gateway
    /// until Orleans' response timeout (two minutes here); a client gives up sooner and retries.
    /// </summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Func<string> _serverOutput;

    public GatewayClient(string name, Uri baseAddress, Func<string> serverOutput)
    {
        Name = name;
        _serverOutput = serverOutput;
        Http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = baseAddress,
            Timeout = RequestTimeout,
        };
    }

    public string Name { get; }

    public HttpClient Http { get; }

    public async Task<InitiateReply> InitiateAsync(string filename, long fileSize, string? fileHash = null, int? chunkSize = null)
    {
        using var response = await Http.PostAsJsonAsync(Relative("/api/uploads/initiate"), new { filename, fileSize, fileHash, chunkSize }, Json);
        return await ReadAsync<InitiateReply>(response, HttpStatusCode.Created, "initiate");
    }

    /// <summary>Sends one chunk (with <c>X-Chunk-Hash</c> when given) and returns whatever came back.</summary>
    public async Task<ChunkAnswer> SendChunkAsync(Guid uploadId, int chunkNumber, ReadOnlyMemory<byte> bytes, string? sha256)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, Relative($"/api/uploads/{uploadId}/chunks/{chunkNumber}"))
        {
            Content = new ReadOnlyMemoryContent(bytes),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (sha256 is not null)
        {
            request.Headers.Add(ChunkHashHeader, sha256);
        }

        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return response.StatusCode == HttpStatusCode.OK
            ? new ChunkAnswer(Name, chunkNumber, response.StatusCode, body, JsonSerializer.Deserialize<ChunkReply>(body, Json), null)
            : new ChunkAnswer(Name, chunkNumber, response.StatusCode, body, null, TryParseProblem(body));
    }

    /// <summary>Sends one chunk with its sha256 and expects it acknowledged (200).</summary>
    public async Task<ChunkReply> PutChunkAsync(Guid uploadId, int chunkNumber, ReadOnlyMemory<byte> bytes)
    {
        var answer = await SendChunkAsync(uploadId, chunkNumber, bytes, SeededFile.Sha256Of(bytes.Span));
        return answer.Receipt ?? throw new Xunit.Sdk.XunitException($"PUT chunk {chunkNumber}: expected 200, got {answer}{OutputTail()}");
    }

    public async Task<StatusReply> GetStatusAsync(Guid uploadId)
    {
        using var response = await Http.GetAsync(Relative($"/api/uploads/{uploadId}"));
        return await ReadAsync<StatusReply>(response, HttpStatusCode.OK, "GET upload status");
    }

    public async Task<VideoReply> CompleteAsync(Guid uploadId)
    {
        using var response = await Http.PostAsync(Relative($"/api/uploads/{uploadId}/complete"), content: null);
        return await ReadAsync<VideoReply>(response, HttpStatusCode.OK, "complete");
    }

    public async Task<byte[]> DownloadAsync(Guid videoId)
    {
        using var response = await Http.GetAsync(Relative($"/api/videos/{videoId}/content"));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await UnexpectedAsync(response, HttpStatusCode.OK, "download");
        }

        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>tus creation with <c>Upload-Defer-Length: 1</c> (or a length); returns the upload id from Location.</summary>
    public async Task<Guid> CreateTusUploadAsync(string filename, long? length = null)
    {
        using var request = TusRequest(HttpMethod.Post, "/files/");
        request.Headers.Add("Upload-Metadata", "filename " + Convert.ToBase64String(Encoding.UTF8.GetBytes(filename)));
        request.Headers.Add(length is { } known ? "Upload-Length" : "Upload-Defer-Length", length?.ToString(CultureInfo.InvariantCulture) ?? "1");
        using var response = await Http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Created || response.Headers.Location is not { } location)
        {
            throw await UnexpectedAsync(response, HttpStatusCode.Created, "tus create");
        }

        return Guid.Parse(location.OriginalString.TrimEnd('/').Split('/')[^1]);
    }

    /// <summary>A tus PATCH at <paramref name="offset"/>; the new offset on 204, otherwise the status and body.</summary>
    public async Task<(HttpStatusCode Status, long? Offset, string Body)> PatchTusAsync(Guid uploadId, long offset, ReadOnlyMemory<byte> bytes, long? uploadLength = null)
    {
        using var request = TusRequest(HttpMethod.Patch, $"/files/{uploadId:N}");
        request.Headers.Add("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
        if (uploadLength is { } length)
        {
            request.Headers.Add("Upload-Length", length.ToString(CultureInfo.InvariantCulture));
        }

        request.Content = new ReadOnlyMemoryContent(bytes);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, ReadOffset(response), await response.Content.ReadAsStringAsync());
    }

    /// <summary>The number of active silos this gateway's cluster client sees, from <c>/health</c>; null when it cannot tell.</summary>
    public async Task<int?> ActiveSilosAsync()
    {
        using var response = await Http.GetAsync(Relative("/health"));
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return health.RootElement.TryGetProperty("checks", out var checks)
            && checks.TryGetProperty("cluster", out var cluster)
            && cluster.TryGetProperty("data", out var data)
            && data.TryGetProperty("activeSilos", out var silos)
                ? silos.GetInt32()
                : null;
    }

    public string OutputTail(int lines = 40)
    {
        var output = _serverOutput().Split(Environment.NewLine);
        return $"\n--- {Name} output (last {lines} lines) ---\n" + string.Join(Environment.NewLine, output.TakeLast(lines));
    }

    public void Dispose() => Http.Dispose();

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

    private static Uri Relative(string path) => new(path, UriKind.Relative);

    private static HttpRequestMessage TusRequest(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, Relative(path));
        request.Headers.Add("Tus-Resumable", "1.0.0");
        return request;
    }

    private static long? ReadOffset(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Upload-Offset", out var values) ? long.Parse(values.First(), CultureInfo.InvariantCulture) : null;

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        if (response.StatusCode != expected)
        {
            throw await UnexpectedAsync(response, expected, what);
        }

        return await response.Content.ReadFromJsonAsync<T>(Json) ?? throw new InvalidOperationException($"{what}: the body was JSON null");
    }

    private async Task<Exception> UnexpectedAsync(HttpResponseMessage response, HttpStatusCode expected, string what) =>
        new Xunit.Sdk.XunitException(
            $"{what} through {Name}: expected {(int)expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}{OutputTail()}");
}

/// <summary>What a chunk PUT got back: the receipt on 200, otherwise the problem (when the body was one).</summary>
public sealed record ChunkAnswer(string Gateway, int ChunkNumber, HttpStatusCode Status, string Body, ChunkReply? Receipt, ProblemReply? Problem)
{
    public bool IsOk => Status == HttpStatusCode.OK;

    public string? Code => Problem?.Code;

    public override string ToString() => $"{(int)Status} from {Gateway} for chunk {ChunkNumber}: {Body}";
}
