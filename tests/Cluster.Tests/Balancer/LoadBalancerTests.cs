using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Orleans.Uploads.Cluster.Tests.RealCluster;
using Orleans.Uploads.Harness;
using Orleans.Uploads.TestSupport;
using Xunit.Abstractions;

namespace Orleans.Uploads.Cluster.Tests.Balancer;

/// <summary>
/// Through the shipped deploy/nginx.conf, as an operator runs it: uploads by both protocols spread over both gateways
/// and verify, the progress WebSocket upgrades, a 200 MiB PATCH streams without nginx spooling it, a PATCH whose
/// gateway is killed resumes through the other one, and the gateways see the real client's address from nginx only.
/// </summary>
[Collection(RealClusterCollection.Name)]
public sealed class LoadBalancerTests(BalancedClusterFixture fixture, ITestOutputHelper output) : IClassFixture<BalancedClusterFixture>
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Seed_and_tus_uploads_through_the_balancer_use_both_gateways_and_verify()
    {
        using var http = fixture.Client();
        var api = new UploadsApiClient(http, "nginx");
        var tus = new TusApiClient(http, "nginx");

        var file = new SeededFile((6 * MiB) + 4321, seed: 7_001, chunkSize: MiB);
        var upload = await api.InitiateAsync("balanced.mp4", file.Size, file.Sha256, chunkSize: MiB);
        for (var chunk = 0; chunk < file.ChunkCount; chunk++)
        {
            await api.PutChunkAsync(upload.UploadId, chunk, file.Chunk(chunk), file.ChunkSha256(chunk));
        }

        var video = await api.CompleteAsync(upload.UploadId);
        Assert.Equal(file.Sha256, SeededFile.Sha256Of(await api.DownloadAsync(video.Id)));

        var tusFile = new SeededFile((9 * MiB) + 77, seed: 7_002);
        var id = await tus.CreateAsync("balanced-tus.mp4", tusFile.Size);
        for (var offset = 0; offset < tusFile.Size; offset += 3 * MiB)
        {
            var reply = await tus.PatchAsync(id, offset, tusFile.Bytes.AsMemory(offset, Math.Min(3 * MiB, tusFile.Size - offset)));
            Assert.True(reply.Status == HttpStatusCode.NoContent, $"PATCH at {offset}: {(int)reply.Status} {reply.Body}");
        }

        using (var download = await http.GetAsync(new Uri(TusApiClient.PathOf(id), UriKind.Relative), HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal((tusFile.Size, tusFile.Sha256), await HttpDownload.HashAsync(download));
        }

        // nginx's access log names the gateway of every request: both served these uploads.
        var upstreams = await Eventually.WaitForAsync(
            () =>
            {
                var served = ServedBy(upload.UploadId.ToString()).Concat(ServedBy(id.ToString("N"))).Distinct().ToList();
                return Task.FromResult(served.Count == 2 ? served : null);
            },
            "both gateways to show in nginx's log for these uploads");
        Assert.Equal(
            fixture.Cluster.Gateways.Select(gateway => $"127.0.0.1:{gateway!.BaseAddress.Port}").Order(),
            upstreams.Order());
    }

    [Fact]
    public async Task The_progress_socket_upgrades_through_the_balancer_and_reports_each_chunk()
    {
        using var http = fixture.Client();
        var api = new UploadsApiClient(http, "nginx");
        var file = new SeededFile((2 * MiB) + 99, seed: 7_003, chunkSize: MiB);
        var upload = await api.InitiateAsync("watched.mp4", file.Size, chunkSize: MiB);

        using var socket = await ProgressSocket.ConnectAsync(fixture.Nginx.BaseAddress, upload.UploadId, fixture.Cluster.Access.Authorization);
        Assert.Equal(0, (await ProgressSocket.ReceiveStatusAsync(socket)).GetProperty("completedChunks").GetInt32());

        for (var chunk = 0; chunk < file.ChunkCount; chunk++)
        {
            await api.PutChunkAsync(upload.UploadId, chunk, file.Chunk(chunk), file.ChunkSha256(chunk));
            int seen;
            do
            {
                seen = (await ProgressSocket.ReceiveStatusAsync(socket)).GetProperty("completedChunks").GetInt32();
            }
            while (seen < chunk + 1);
            Assert.Equal(chunk + 1, seen);
        }
    }

    [Fact]
    public async Task A_200_MiB_patch_streams_through_the_balancer_without_being_spooled()
    {
        const long size = 200L * MiB;
        using var http = fixture.Client();
        var tus = new TusApiClient(http, "nginx");
        var id = await tus.CreateAsync("large.mp4", size);

        using var body = new SeededStream(size, seed: 7_004);
        var content = new StreamContent(body, 1024 * 1024);
        content.Headers.ContentLength = size;
        var reply = await tus.PatchAsync(id, 0, content);

        Assert.True(reply.Status == HttpStatusCode.NoContent, $"{(int)reply.Status} {reply.Body}\n{fixture.Nginx.ErrorLog}");
        Assert.Equal(size, reply.Offset);
        using (var download = await http.GetAsync(new Uri(TusApiClient.PathOf(id), UriKind.Relative), HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal((size, body.Sha256()), await HttpDownload.HashAsync(download));
        }

        // nginx says so when it writes a request body to a temp file; and its body temp directory stays empty.
        Assert.DoesNotContain("buffered to a temporary file", fixture.Nginx.ErrorLog, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(fixture.Nginx.BodyTempDirectory)
            ? Directory.EnumerateFiles(fixture.Nginx.BodyTempDirectory, "*", SearchOption.AllDirectories)
            : []);
    }

    [Fact]
    public async Task Killing_the_gateway_that_serves_a_patch_fails_that_request_and_the_upload_resumes_through_the_other()
    {
        var file = new SeededFile(24 * MiB, seed: 7_005);
        using var http = fixture.Client();
        var tus = new TusApiClient(http, "nginx");
        var id = await tus.CreateAsync("killed-midway.mp4", file.Size);
        var path = TusApiClient.PathOf(id);
        try
        {
            // The PATCH stops sending after 12 MiB and waits: by then whole pieces are stored.
            var paused = new PausingContent(file.Bytes, pauseAt: 12 * MiB);
            var patch = SendPatchAsync(http, path, 0, paused);
            await paused.Paused.WaitAsync(TimeSpan.FromMinutes(1));
            var serving = -1;
            await Eventually.WaitUntilAsync(
                () => Task.FromResult((serving = fixture.GatewayThatLogged($"PATCH {path} started")) >= 0),
                "the gateway serving the PATCH to log its start");

            // Watched through the status route: a tus HEAD would mean a client resuming, and would end the PATCH itself.
            var api = new UploadsApiClient(http, "nginx");
            await Eventually.WaitUntilAsync(async () => (await api.GetStatusAsync(id)).UploadedBytes >= 8L * MiB, "two pieces of the PATCH stored");

            output.WriteLine($"killing gateway{serving}, which serves the PATCH");
            await fixture.Cluster.Gateways[serving]!.Process.KillAsync();
            paused.Resume();
            var failed = await patch;
            Assert.True(failed is null || failed.Value != HttpStatusCode.NoContent, $"the PATCH through a killed gateway answered {failed}");

            // The client resumes where the upload stands, through the balancer, which now finds only the other gateway.
            var offset = (await tus.HeadAsync(new Uri(path, UriKind.Relative))).Offset;
            Assert.InRange(offset, 8L * MiB, 12L * MiB);
            var resumed = await tus.PatchAsync(id, offset, file.Bytes.AsMemory((int)offset));
            Assert.True(resumed.Status == HttpStatusCode.NoContent, $"{(int)resumed.Status} {resumed.Body}");
            Assert.Equal(file.Size, resumed.Offset);

            using var download = await http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal((file.Size, file.Sha256), await HttpDownload.HashAsync(download));
        }
        finally
        {
            await fixture.RestoreQuietlyAsync(output);
        }
    }

    [Fact]
    public async Task Gateways_take_the_client_address_from_nginx_and_ignore_it_from_anyone_else()
    {
        var client = IPAddress.Parse("127.0.0.2");
        var direct = IPAddress.Parse("127.0.0.3");
        const string spoofed = "198.51.100.7";

        // Through nginx: the gateway logs the address nginx saw, not what the client claimed before it.
        var viaBalancer = $"/api/uploads/{Guid.NewGuid()}";
        using (var http = fixture.Client(from: client))
        using (var request = new HttpRequestMessage(HttpMethod.Get, new Uri(viaBalancer, UriKind.Relative)))
        {
            request.Headers.Add("X-Forwarded-For", spoofed);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        // Straight to a gateway from an address it does not trust: the header is ignored.
        var straight = $"/api/uploads/{Guid.NewGuid()}";
        using (var http = fixture.Client(from: direct, to: fixture.Cluster.Gateways[0]!.BaseAddress))
        using (var request = new HttpRequestMessage(HttpMethod.Get, new Uri(straight, UriKind.Relative)))
        {
            request.Headers.Add("X-Forwarded-For", spoofed);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        var balanced = await Eventually.WaitForAsync(() => Task.FromResult(fixture.LoggedRequest("GET", viaBalancer, 404)), "the balanced request in a gateway's log");
        var unbalanced = await Eventually.WaitForAsync(() => Task.FromResult(fixture.LoggedRequest("GET", straight, 404)), "the direct request in a gateway's log");
        Assert.EndsWith($"from {client}", balanced.Trim(), StringComparison.Ordinal);
        Assert.EndsWith($"from {direct}", unbalanced.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain(
            fixture.Cluster.Gateways.OfType<GatewayServer>(),
            gateway => gateway.Process.Output.Contains($"from {spoofed}", StringComparison.Ordinal));
    }

    /// <summary>The gateways nginx's log names for requests whose path contains <paramref name="fragment"/>.</summary>
    private IEnumerable<string> ServedBy(string fragment) =>
        fixture.Nginx.Process.Output.Split(Environment.NewLine)
            .Where(line => line.Contains(fragment, StringComparison.OrdinalIgnoreCase))
            .Select(line => line[(line.LastIndexOf("upstream=", StringComparison.Ordinal) + "upstream=".Length)..].Trim())
            .Where(upstream => upstream.Length > 0 && upstream != "-");

    /// <summary>The PATCH's status, or null when the connection broke before one arrived.</summary>
    private static async Task<HttpStatusCode?> SendPatchAsync(HttpClient http, string path, long offset, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri(path, UriKind.Relative)) { Content = content };
        request.Headers.Add("Tus-Resumable", TusApiClient.Version);
        request.Headers.Add("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
        content.Headers.ContentType = new MediaTypeHeaderValue(TusApiClient.OffsetOctetStream);
        try
        {
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
