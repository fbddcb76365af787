using System.Net;
using System.Security.Cryptography;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.EndToEnd.Tests.Tus;

/// <summary>What a test checks on the server itself after a client ran: HEAD an upload, download it through sha256.</summary>
public sealed class TusHttp(GatewayServer server)
{
    /// <summary>HEAD of a tus upload URL, expected 200: its Upload-* headers.</summary>
    public Task<TusHead> HeadAsync(string uploadUrl) => server.Tus.HeadAsync(new Uri(uploadUrl));

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
}
