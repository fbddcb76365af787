using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Orleans.Uploads.Harness;

/// <summary>
/// The few tus 1.0.0 calls a client makes to move bytes (create, PATCH, HEAD), over an HttpClient the caller owns: what
/// the cluster tests, the end-to-end checks and the bench share. Protocol-level tests that shape every header keep
/// their own raw requests.
/// </summary>
public sealed class TusApiClient(HttpClient http, string name = "gateway", Func<string>? serverOutput = null)
    : ApiClient(http, name, serverOutput)
{
    public const string Version = "1.0.0";
    public const string OffsetOctetStream = "application/offset+octet-stream";

    public static string PathOf(Guid uploadId) => $"/files/{uploadId:N}";

    /// <summary>tus creation: <c>Upload-Length</c> when <paramref name="length"/> is known, else <c>Upload-Defer-Length: 1</c>; returns the id from Location.</summary>
    public async Task<Guid> CreateAsync(string filename, long? length = null, CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Post, "/files/");
        request.Headers.Add("Upload-Metadata", "filename " + Convert.ToBase64String(Encoding.UTF8.GetBytes(filename)));
        request.Headers.Add(length is null ? "Upload-Defer-Length" : "Upload-Length", length?.ToString(CultureInfo.InvariantCulture) ?? "1");
        using var response = await Http.SendAsync(request, cancellationToken);
        await ExpectAsync(response, HttpStatusCode.Created, "tus create");
        var location = response.Headers.Location
            ?? throw new UnexpectedResponseException($"tus create through {Name}: 201 without a Location", response.StatusCode, "");
        return Guid.Parse(location.OriginalString.TrimEnd('/').Split('/')[^1]);
    }

    /// <summary>A PATCH of <paramref name="bytes"/> at <paramref name="offset"/> (with the length, when it was deferred and is known now).</summary>
    public Task<TusPatchReply> PatchAsync(Guid uploadId, long offset, ReadOnlyMemory<byte> bytes, long? uploadLength = null) =>
        PatchAsync(uploadId, offset, new ReadOnlyMemoryContent(bytes), uploadLength);

    /// <summary>A PATCH with a body the caller made (sent as it is, then disposed): the new offset on 204, otherwise the status and body.</summary>
    public async Task<TusPatchReply> PatchAsync(Guid uploadId, long offset, HttpContent content, long? uploadLength = null, CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Patch, PathOf(uploadId));
        request.Headers.Add("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
        if (uploadLength is { } length)
        {
            request.Headers.Add("Upload-Length", length.ToString(CultureInfo.InvariantCulture));
        }

        content.Headers.ContentType = new MediaTypeHeaderValue(OffsetOctetStream);
        request.Content = content;
        using var response = await Http.SendAsync(request, cancellationToken);
        var body = response.StatusCode == HttpStatusCode.NoContent ? "" : await response.Content.ReadAsStringAsync(cancellationToken);
        return new TusPatchReply(response.StatusCode, LongHeader(response, "Upload-Offset"), body);
    }

    /// <summary>HEAD of an upload URL (absolute, or relative to the gateway), expected 200: its <c>Upload-*</c> headers.</summary>
    public async Task<TusHead> HeadAsync(Uri uploadUrl)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, uploadUrl);
        request.Headers.Add("Tus-Resumable", Version);
        using var response = await Http.SendAsync(request);
        await ExpectAsync(response, HttpStatusCode.OK, $"HEAD {uploadUrl}");
        return new TusHead(
            LongHeader(response, "Upload-Offset") ?? throw new UnexpectedResponseException($"HEAD {uploadUrl}: no Upload-Offset", response.StatusCode, ""),
            LongHeader(response, "Upload-Length"),
            Header(response, "Upload-Metadata"),
            Header(response, "Upload-Concat"));
    }

    private static HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, Relative(path));
        request.Headers.Add("Tus-Resumable", Version);
        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;

    private static long? LongHeader(HttpResponseMessage response, string name) =>
        Header(response, name) is { } value ? long.Parse(value, CultureInfo.InvariantCulture) : null;
}

/// <summary>What a tus PATCH got back: the status, the <c>Upload-Offset</c> it reported (if any), and the body unless it was 204.</summary>
public sealed record TusPatchReply(HttpStatusCode Status, long? Offset, string Body);

/// <summary>A tus HEAD's answer: how far the upload is, and what it was created with.</summary>
public sealed record TusHead(long Offset, long? Length, string? Metadata, string? Concat);
