using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.EndToEnd.Tests.Tus;

/// <summary>What a test checks on the server itself after a client ran: HEAD an upload, download it through sha256.</summary>
public sealed class TusHttp(GatewayServer server)
{
    /// <summary>HEAD of a tus upload URL, expected 200: its Upload-* headers.</summary>
    public async Task<TusHead> HeadAsync(string uploadUrl)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, new Uri(uploadUrl));
        request.Headers.Add("Tus-Resumable", "1.0.0");
        using var response = await server.Http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            Assert.Fail($"HEAD {uploadUrl}: expected 200, got {(int)response.StatusCode}\n--- {server.Process.Name} output ---\n{server.Process.Output}");
        }

        return new TusHead(
            Offset: long.Parse(Single(response, "Upload-Offset"), CultureInfo.InvariantCulture),
            Length: response.Headers.TryGetValues("Upload-Length", out var length) ? long.Parse(length.Single(), CultureInfo.InvariantCulture) : null,
            Metadata: response.Headers.TryGetValues("Upload-Metadata", out var metadata) ? metadata.Single() : null,
            Concat: response.Headers.TryGetValues("Upload-Concat", out var concat) ? concat.Single() : null);
    }

    /// <summary>GET of <paramref name="url"/> (absolute or relative to the server) streamed through sha256: status, length, digest.</summary>
    public async Task<(HttpStatusCode Status, long Length, string Sha256)> DownloadAsync(string url)
    {
        using var response = await server.Http.GetAsync(new Uri(server.BaseAddress, url), HttpCompletionOption.ResponseHeadersRead);
        var (length, sha256) = await HttpDownload.HashAsync(response);
        return (response.StatusCode, length, sha256);
    }

    /// <summary>Both download routes of a finished upload give back exactly <paramref name="file"/>.</summary>
    public async Task AssertDownloadsAsync(string uploadUrl, RandomFile file)
    {
        var id = Guid.ParseExact(new Uri(uploadUrl).Segments[^1], "N");
        foreach (var route in new[] { new Uri(uploadUrl).AbsolutePath, $"/api/videos/{id}/content" })
        {
            var (status, length, sha256) = await DownloadAsync(route);
            Assert.True(status == HttpStatusCode.OK, $"GET {route}: expected 200, got {(int)status}\n--- {server.Process.Name} output ---\n{server.Process.Output}");
            Assert.Equal(file.Size, length);
            Assert.Equal(file.Sha256, sha256);
        }
    }

    private static string Single(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values) ? values.Single() : throw new InvalidOperationException($"no {header} header");
}

public sealed record TusHead(long Offset, long? Length, string? Metadata, string? Concat);
