using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Orleans.Uploads.Gateway.Tests.Support;

namespace Orleans.Uploads.Gateway.Tests.Tus;

/// <summary>
/// A bare tus 1.0.0 client over the gateway's /files/ endpoints: every request names Tus-Resumable: 1.0.0 unless a
/// test says otherwise (a header given with a null value is left out), nothing is retried or hidden.
/// </summary>
public sealed partial class TusClient(HttpClient http)
{
    public const string Version = "1.0.0";
    public const string OffsetOctetStream = "application/offset+octet-stream";
    public const string Extensions = "creation,creation-with-upload,creation-defer-length,expiration,checksum,termination,concatenation";

    /// <summary>The tus status for a body whose digest is not its Upload-Checksum.</summary>
    public const HttpStatusCode ChecksumMismatch = (HttpStatusCode)460;

    /// <summary>An ordinary video's metadata: <c>filename clip.mp4</c>.</summary>
    public static readonly string VideoMetadata = Metadata(("filename", "clip.mp4"));

    public HttpClient Http => http;

    public static string PathOf(Guid uploadId) => $"/files/{uploadId:N}";

    /// <summary><c>Upload-Metadata</c>: comma-separated <c>key base64(UTF-8 value)</c> pairs; a null value sends the key alone.</summary>
    public static string Metadata(params (string Key, string? Value)[] pairs) =>
        string.Join(",", pairs.Select(pair => pair.Value is null ? pair.Key : $"{pair.Key} {Convert.ToBase64String(Encoding.UTF8.GetBytes(pair.Value))}"));

    public static ByteArrayContent Body(byte[] data, string contentType = OffsetOctetStream)
    {
        var content = new ByteArrayContent(data);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    /// <summary>A response header's single value wherever HttpClient filed it (response or content headers); null when absent.</summary>
    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : null;

    public static bool HasHeader(HttpResponseMessage response, string name) => Header(response, name) is not null;

    /// <summary>The upload id at the end of a creation response's Location (which must be /files/ and 32 hex digits).</summary>
    public static Guid IdOf(HttpResponseMessage created)
    {
        var location = created.Headers.Location?.OriginalString;
        Assert.NotNull(location);
        var match = LocationPattern().Match(location);
        Assert.True(match.Success, $"Location '{location}' is not /files/<32 hex digits>");
        return Guid.ParseExact(match.Groups["id"].Value, "N");
    }

    /// <summary>Sends one request; Tus-Resumable: 1.0.0 is added unless <paramref name="headers"/> names it (null: leave it out).</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, params (string Name, string? Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        if (!headers.Any(header => string.Equals(header.Name, "Tus-Resumable", StringComparison.OrdinalIgnoreCase)))
        {
            request.Headers.TryAddWithoutValidation("Tus-Resumable", Version);
        }

        foreach (var (name, value) in headers)
        {
            if (value is not null && !request.Headers.TryAddWithoutValidation(name, value))
            {
                Assert.Fail($"header {name} cannot be sent on this request");
            }
        }

        return await http.SendAsync(request);
    }

    public Task<HttpResponseMessage> OptionsAsync(string path = "/files/", params (string Name, string? Value)[] headers) =>
        SendAsync(HttpMethod.Options, path, null, headers);

    /// <summary>POST /files/ with these headers and, optionally, a body (creation-with-upload).</summary>
    public Task<HttpResponseMessage> CreateAsync(HttpContent? body, params (string Name, string? Value)[] headers) =>
        SendAsync(HttpMethod.Post, "/files/", body, headers);

    public Task<HttpResponseMessage> CreateAsync(params (string Name, string? Value)[] headers) => CreateAsync(null, headers);

    /// <summary>Creates an upload of <paramref name="length"/> bytes and asserts 201; returns its id.</summary>
    public async Task<Guid> CreateOkAsync(long length, string? metadata = null)
    {
        using var response = await CreateAsync(("Upload-Length", length.ToString(CultureInfo.InvariantCulture)), ("Upload-Metadata", metadata ?? VideoMetadata));
        return await AssertCreatedAsync(response);
    }

    /// <summary>Asserts a creation answer (201, Tus-Resumable, /files/ Location); returns the new upload's id.</summary>
    public static async Task<Guid> AssertCreatedAsync(HttpResponseMessage response)
    {
        await HttpAssert.StatusAsync(response, HttpStatusCode.Created);
        AssertTus(response);
        return IdOf(response);
    }

    public Task<HttpResponseMessage> HeadAsync(Guid uploadId, params (string Name, string? Value)[] headers) =>
        HeadAsync(PathOf(uploadId), headers);

    public Task<HttpResponseMessage> HeadAsync(string path, params (string Name, string? Value)[] headers) =>
        SendAsync(HttpMethod.Head, path, null, headers);

    /// <summary>HEAD that must answer 200; returns the response for header checks (dispose it).</summary>
    public async Task<HttpResponseMessage> HeadOkAsync(Guid uploadId)
    {
        var response = await HeadAsync(uploadId);
        await HttpAssert.StatusAsync(response, HttpStatusCode.OK);
        AssertTus(response);
        return response;
    }

    /// <summary>The upload's offset as HEAD reports it.</summary>
    public async Task<long> OffsetAsync(Guid uploadId)
    {
        using var head = await HeadOkAsync(uploadId);
        return long.Parse(Header(head, "Upload-Offset")!, CultureInfo.InvariantCulture);
    }

    public Task<HttpResponseMessage> PatchAsync(Guid uploadId, long offset, byte[] data, params (string Name, string? Value)[] headers) =>
        PatchAsync(PathOf(uploadId), Body(data), [("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture)), .. headers]);

    public Task<HttpResponseMessage> PatchAsync(string path, HttpContent content, params (string Name, string? Value)[] headers) =>
        SendAsync(HttpMethod.Patch, path, content, headers);

    /// <summary>PATCHes <paramref name="data"/> at <paramref name="offset"/>, asserts 204 and the advanced Upload-Offset; returns it.</summary>
    public async Task<long> PatchOkAsync(Guid uploadId, long offset, byte[] data, params (string Name, string? Value)[] headers)
    {
        using var response = await PatchAsync(uploadId, offset, data, headers);
        await HttpAssert.StatusAsync(response, HttpStatusCode.NoContent);
        AssertTus(response);
        Assert.Equal((offset + data.Length).ToString(CultureInfo.InvariantCulture), Header(response, "Upload-Offset"));
        return offset + data.Length;
    }

    /// <summary>Sends the file from <paramref name="from"/> on in sequential PATCHes of at most <paramref name="pieceSize"/> bytes.</summary>
    public async Task PatchAllAsync(Guid uploadId, byte[] file, int pieceSize, long from = 0)
    {
        for (var offset = from; offset < file.Length;)
        {
            offset = await PatchOkAsync(uploadId, offset, file[(int)offset..(int)Math.Min(file.Length, offset + pieceSize)]);
        }
    }

    public Task<HttpResponseMessage> DeleteAsync(Guid uploadId, params (string Name, string? Value)[] headers) =>
        SendAsync(HttpMethod.Delete, PathOf(uploadId), null, headers);

    /// <summary>GET /files/{id}: the finished upload's bytes (asserts 200).</summary>
    public async Task<byte[]> DownloadAsync(Guid uploadId)
    {
        using var response = await http.GetAsync(new Uri(PathOf(uploadId), UriKind.Relative));
        await HttpAssert.StatusAsync(response, HttpStatusCode.OK);
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>Every tus response names the protocol version.</summary>
    public static void AssertTus(HttpResponseMessage response) => Assert.Equal(Version, Header(response, "Tus-Resumable"));

    /// <summary>Upload-Expires is an RFC 9110 IMF-fixdate (<c>Sun, 06 Nov 1994 08:49:37 GMT</c>); returns it.</summary>
    public static DateTimeOffset ExpiresOf(HttpResponseMessage response)
    {
        var value = Header(response, "Upload-Expires");
        Assert.NotNull(value);
        Assert.Matches(ImfFixdatePattern(), value);
        return DateTimeOffset.ParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    [GeneratedRegex("^/files/(?<id>[0-9a-f]{32})$")]
    private static partial Regex LocationPattern();

    [GeneratedRegex(@"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$")]
    private static partial Regex ImfFixdatePattern();
}
