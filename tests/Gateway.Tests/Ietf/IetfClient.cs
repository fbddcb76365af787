using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Gateway.Tests.Tus;

namespace Orleans.Uploads.Gateway.Tests.Ietf;

/// <summary>
/// A bare client of the resumable-upload draft at one interop version: every request names it in
/// Upload-Draft-Interop-Version; appends carry application/partial-upload where the version says so (6 and 8). A header
/// given with a null value is left out; nothing is retried or hidden.
/// </summary>
public sealed class IetfClient(HttpClient http, int version)
{
    public const string PartialUpload = "application/partial-upload";
    public const string MismatchingOffset = "https://iana.org/assignments/http-problem-types#mismatching-upload-offset";
    public const string CompletedUpload = "https://iana.org/assignments/http-problem-types#completed-upload";
    public const string InconsistentLength = "https://iana.org/assignments/http-problem-types#inconsistent-upload-length";

    public int Version => version;

    public HttpClient Http => http;

    public static string? Header(HttpResponseMessage response, string name) => TusClient.Header(response, name);

    public static ByteArrayContent Body(byte[] data, string? contentType)
    {
        var content = new ByteArrayContent(data);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return content;
    }

    public static string Flag(bool value) => value ? "?1" : "?0";

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, params (string Name, string? Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        if (!headers.Any(header => string.Equals(header.Name, "Upload-Draft-Interop-Version", StringComparison.OrdinalIgnoreCase)))
        {
            request.Headers.TryAddWithoutValidation("Upload-Draft-Interop-Version", version.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var (name, value) in headers)
        {
            // A content header (Content-Disposition) on a request without content goes with an empty one.
            if (value is not null && !request.Headers.TryAddWithoutValidation(name, value) && !(request.Content ??= new ByteArrayContent([])).Headers.TryAddWithoutValidation(name, value))
            {
                Assert.Fail($"header {name} cannot be sent on this request");
            }
        }

        return await http.SendAsync(request);
    }

    /// <summary>Creation: POST <paramref name="path"/> with Upload-Complete and, when given, the file's first bytes as video/mp4.</summary>
    public Task<HttpResponseMessage> CreateAsync(bool complete, byte[]? body, string path = "/files/", params (string Name, string? Value)[] headers) =>
        SendAsync(HttpMethod.Post, path, body is null ? null : Body(body, "video/mp4"), [("Upload-Complete", Flag(complete)), .. headers]);

    /// <summary>Creates an open upload of a video named clip.mp4 (no content yet) and asserts 201; returns its id.</summary>
    public async Task<Guid> CreateOpenAsync(long? length = null)
    {
        using var response = await CreateAsync(
            complete: false, body: null, headers: [("Upload-Length", length?.ToString(CultureInfo.InvariantCulture)), ("Content-Disposition", "attachment; filename=\"clip.mp4\"")]);
        await HttpAssert.StatusAsync(response, HttpStatusCode.Created);
        return TusClient.IdOf(response);
    }

    public Task<HttpResponseMessage> HeadAsync(Guid uploadId, params (string Name, string? Value)[] headers) =>
        SendAsync(HttpMethod.Head, TusClient.PathOf(uploadId), null, headers);

    /// <summary>An append at <paramref name="offset"/>; its content type is the version's unless <paramref name="contentType"/> says otherwise.</summary>
    public Task<HttpResponseMessage> AppendAsync(Guid uploadId, long offset, byte[] data, bool complete, string? contentType = "", params (string Name, string? Value)[] headers) =>
        SendAsync(
            HttpMethod.Patch,
            TusClient.PathOf(uploadId),
            Body(data, contentType == "" ? (version >= 6 ? PartialUpload : null) : contentType),
            [("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture)), ("Upload-Complete", Flag(complete)), .. headers]);

    public Task<HttpResponseMessage> DeleteAsync(Guid uploadId) => SendAsync(HttpMethod.Delete, TusClient.PathOf(uploadId), null);

    /// <summary>Asserts the draft's headers on a 2xx answer: the interop version, Upload-Offset and Upload-Complete.</summary>
    public void AssertState(HttpResponseMessage response, long offset, bool complete)
    {
        Assert.Equal(version.ToString(CultureInfo.InvariantCulture), Header(response, "Upload-Draft-Interop-Version"));
        Assert.Equal(offset.ToString(CultureInfo.InvariantCulture), Header(response, "Upload-Offset"));
        Assert.Equal(Flag(complete), Header(response, "Upload-Complete"));
        Assert.Null(Header(response, "Tus-Resumable"));
    }

    /// <summary>Upload-Limit as the gateway states it: max-size, min-size=0 and max-age (returned) within the upload timeout.</summary>
    public static long AssertLimit(HttpResponseMessage response, TimeSpan uploadTimeout)
    {
        var members = Header(response, "Upload-Limit")!.Split(',').Select(member => member.Trim().Split('=')).ToDictionary(pair => pair[0], pair => long.Parse(pair[1], CultureInfo.InvariantCulture));
        Assert.Equal(GatewayFixture.MaxFileSize, members["max-size"]);
        Assert.Equal(0, members["min-size"]);
        Assert.InRange(members["max-age"], 0, (long)uploadTimeout.TotalSeconds);
        return members["max-age"];
    }
}
