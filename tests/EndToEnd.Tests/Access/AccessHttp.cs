// Why this file exists: the access tests send requests with exactly the credentials they name (an API key, a JWT, an
// upload token in a header or the query, or nothing at all), which the harness clients (always sending the harness
// key) cannot; and they read what the harness replies leave out (the upload token of initiate and of tus creation).

using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.EndToEnd.Tests.Access;

/// <summary>An upload a backend created: its id, absolute tus URL, and the upload token that opens it alone.</summary>
public sealed record CreatedUpload(Guid Id, Uri Url, string Token)
{
    public string Path => Url.AbsolutePath;
}

/// <summary>What initiate answers, with the upload token the harness's <see cref="InitiateReply"/> does not read.</summary>
public sealed record InitiatedUpload(Guid UploadId, string UploadToken, int ChunkSize, int TotalChunks, string Status);

/// <summary>Raw HTTP to a gateway with exactly the credentials a test names; answers are checked by status and problem code.</summary>
public static class AccessHttp
{
    public const string UploadTokenHeader = "X-Upload-Token";
    public const string TusVersion = "1.0.0";

    /// <summary>A client of <paramref name="server"/> with no credential at all, or the given bearer (API key or JWT).</summary>
    public static HttpClient Client(GatewayServer server, string? bearer = null)
    {
        var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (bearer is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return http;
    }

    /// <summary>A request for <paramref name="path"/>, with <paramref name="uploadToken"/> as <c>X-Upload-Token</c> when given.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path, string? uploadToken = null)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (uploadToken is not null)
        {
            request.Headers.Add(UploadTokenHeader, uploadToken);
        }

        return request;
    }

    /// <summary>A tus request (<c>Tus-Resumable</c> set) for <paramref name="path"/>.</summary>
    public static HttpRequestMessage TusRequest(HttpMethod method, string path, string? uploadToken = null)
    {
        var request = Request(method, path, uploadToken);
        request.Headers.Add("Tus-Resumable", TusVersion);
        return request;
    }

    /// <summary>
    /// The backend's half of a direct upload: tus creation of <paramref name="length"/> bytes through <paramref name="http"/>
    /// (whose credential must allow the project), expecting 201 with a Location and an <c>Upload-Token</c>.
    /// </summary>
    public static async Task<CreatedUpload> CreateTusUploadAsync(
        HttpClient http, GatewayServer server, long length, string filename, string? projectId = null)
    {
        using var request = TusRequest(HttpMethod.Post, "/files/");
        request.Headers.Add("Upload-Length", length.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("Upload-Metadata", Metadata(("filename", filename), ("projectId", projectId)));
        using var response = await http.SendAsync(request);
        await ExpectAsync(response, HttpStatusCode.Created, "tus creation", server);
        var location = response.Headers.Location ?? throw new InvalidOperationException("tus creation answered 201 without a Location");
        var url = new Uri(server.BaseAddress, location);
        var token = response.Headers.TryGetValues("Upload-Token", out var tokens) ? tokens.Single() : throw new InvalidOperationException("tus creation answered 201 without an Upload-Token");
        return new CreatedUpload(Guid.ParseExact(url.Segments[^1], "N"), url, token);
    }

    /// <summary><c>POST /api/uploads/initiate</c> through <paramref name="http"/>, expecting 201 and an upload token.</summary>
    public static async Task<InitiatedUpload> InitiateAsync(
        HttpClient http, GatewayServer server, long fileSize, string filename = "clip.mp4", string? projectId = null, int? chunkSize = null)
    {
        using var response = await SendInitiateAsync(http, fileSize, filename, projectId, chunkSize);
        await ExpectAsync(response, HttpStatusCode.Created, "initiate", server);
        var upload = await response.Content.ReadFromJsonAsync<InitiatedUpload>(ApiClient.Json) ?? throw new InvalidOperationException("initiate answered null");
        Assert.False(string.IsNullOrEmpty(upload.UploadToken), "initiate answered no uploadToken");
        return upload;
    }

    public static Task<HttpResponseMessage> SendInitiateAsync(HttpClient http, long fileSize, string filename = "clip.mp4", string? projectId = null, int? chunkSize = null) =>
        http.PostAsJsonAsync(new Uri("/api/uploads/initiate", UriKind.Relative), new InitiateRequest(filename, fileSize, projectId, chunkSize), ApiClient.Json);

    /// <summary>PUT of one seed chunk with <paramref name="uploadToken"/> as its only credential (besides what <paramref name="http"/> sends).</summary>
    public static async Task<HttpResponseMessage> PutChunkAsync(HttpClient http, Guid uploadId, int chunkNumber, byte[] bytes, string? uploadToken = null)
    {
        using var request = Request(HttpMethod.Put, $"/api/uploads/{uploadId}/chunks/{chunkNumber}", uploadToken);
        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await http.SendAsync(request);
    }

    /// <summary>GET of <paramref name="path"/> streamed through sha256, expecting 200: the length and digest.</summary>
    public static async Task<(long Length, string Sha256)> DownloadAsync(HttpClient http, string path, GatewayServer server)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        await ExpectAsync(response, HttpStatusCode.OK, $"GET {path}", server);
        return await HttpDownload.HashAsync(response);
    }

    /// <summary>Asserts <paramref name="response"/> is a problem with <paramref name="status"/> and <paramref name="code"/>.</summary>
    public static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, GatewayServer server, string what = "")
    {
        var body = await response.Content.ReadAsStringAsync();
        var context = $"{what} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}: got {(int)response.StatusCode} {body}\n{Tail(server)}";
        Assert.True(response.StatusCode == status, $"expected {(int)status} {code}; {context}");
        Assert.True(UploadsApiClient.TryParseProblem(body)?.Code == code, $"expected code {code}; {context}");
    }

    /// <summary>Sends <paramref name="request"/> (then disposes it) and asserts the problem it gets.</summary>
    public static async Task AssertProblemAsync(HttpClient http, HttpRequestMessage request, HttpStatusCode status, string code, GatewayServer server, string what = "")
    {
        using (request)
        {
            using var response = await http.SendAsync(request);
            await AssertProblemAsync(response, status, code, server, what);
        }
    }

    /// <summary>Sends <paramref name="request"/> (then disposes it) and asserts <paramref name="status"/>.</summary>
    public static async Task AssertStatusAsync(HttpClient http, HttpRequestMessage request, HttpStatusCode status, GatewayServer server, string what = "")
    {
        using (request)
        {
            using var response = await http.SendAsync(request);
            if (response.StatusCode != status)
            {
                Assert.Fail($"{what} {request.Method} {request.RequestUri}: expected {(int)status}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{Tail(server)}");
            }
        }
    }

    public static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode status, string what, GatewayServer server)
    {
        if (response.StatusCode != status)
        {
            Assert.Fail($"{what}: expected {(int)status}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{Tail(server)}");
        }
    }

    /// <summary>A tus <c>Upload-Metadata</c> value from the pairs whose value is not null.</summary>
    public static string Metadata(params (string Key, string? Value)[] pairs) => string.Join(',', pairs
        .Where(pair => pair.Value is not null)
        .Select(pair => $"{pair.Key} {Convert.ToBase64String(Encoding.UTF8.GetBytes(pair.Value!))}"));

    /// <summary><paramref name="token"/> with its signature's first character changed: the same claims, a signature nobody made.</summary>
    public static string Forge(string token)
    {
        var signatureStart = token.LastIndexOf('.') + 1;
        var replacement = token[signatureStart] == 'A' ? 'B' : 'A';
        return string.Concat(token.AsSpan(0, signatureStart), replacement.ToString(), token.AsSpan(signatureStart + 1));
    }

    /// <summary>The JSON of a compact JWT's header (its first part).</summary>
    public static JsonElement JwtHeader(string token)
    {
        var part = token.Split('.')[0].Replace('-', '+').Replace('_', '/');
        part = part.PadRight(part.Length + ((4 - (part.Length % 4)) % 4), '=');
        return JsonDocument.Parse(Convert.FromBase64String(part)).RootElement.Clone();
    }

    public static string Tail(GatewayServer server, int lines = 30) =>
        $"--- {server.Process.Name} output (last {lines} lines) ---\n" + string.Join('\n', server.Process.Output.Split(Environment.NewLine).TakeLast(lines));
}
