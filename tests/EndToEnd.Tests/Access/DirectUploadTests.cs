// Why this file exists: the upload token is how a backend that holds the API key lets a browser or device send one
// file without ever seeing the key. This drives that pattern end to end against the built gateway: the backend creates
// the upload, the uploader holds only the token (tus-js-client with X-Upload-Token, or plain seed API requests), the
// finished video downloads with ?access_token= and no Authorization at all, and a token opens its own upload only.

using System.Net;
using Orleans.Uploads.EndToEnd.Tests.Tus;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.EndToEnd.Tests.Access;

/// <summary>Direct uploads: a backend creates, a holder of nothing but the upload token sends the bytes and downloads.</summary>
public sealed class DirectUploadTests(KeyedGatewayFixture gateway) : IClassFixture<KeyedGatewayFixture>
{
    private const int MiB = 1024 * 1024;

    private GatewayServer Server => gateway.Server;

    [Fact]
    public async Task Tus_js_client_with_only_the_upload_token_sends_the_file_a_backend_created_and_the_token_downloads_it()
    {
        var file = await RandomFile.CreateAsync(gateway.Combine("direct-tus.bin"), (3 * MiB) + 321, seed: 5_0001);

        // The backend (API key) creates the upload and hands the browser its URL and token; it creates another for someone else.
        var upload = await AccessHttp.CreateTusUploadAsync(Server.Http, Server, file.Size, "direct.mp4");
        var someoneElses = await AccessHttp.CreateTusUploadAsync(Server.Http, Server, 1000, "other.mp4");
        Assert.NotEqual(upload.Token, someoneElses.Token);

        // The uploader: tus-js-client resuming the created upload with X-Upload-Token as its only credential.
        var client = new TusJsClient(Server, new Dictionary<string, string> { [AccessHttp.UploadTokenHeader] = upload.Token });
        var result = await client.ResumeAsync(file, upload.Url.ToString(), "--chunk-size", TusJsClient.Bytes(MiB));
        var context = $"{result.Run?.Describe()}\n{client.ServerOutput}";
        Assert.True(result.Retries == 0, "the client had to retry:\n" + context);
        Assert.Equal(upload.Url.ToString(), result.Url);
        Assert.Equal(file.Size, result.BytesUploaded);
        Assert.Equal(0, result.RequestCount("POST"));
        Assert.Equal(1, result.RequestCount("HEAD"));
        Assert.Equal(4, result.RequestCount("PATCH"));

        // The video, over a client that never had an Authorization header: the token in the query opens both download routes.
        using var browser = AccessHttp.Client(Server);
        foreach (var route in new[] { $"/api/videos/{upload.Id}/content", upload.Path })
        {
            var (length, sha256) = await AccessHttp.DownloadAsync(browser, $"{route}?access_token={Uri.EscapeDataString(upload.Token)}", Server);
            Assert.Equal(file.Size, length);
            Assert.Equal(file.Sha256, sha256);

            // Without a credential it is refused; with another upload's token it does not exist.
            await AccessHttp.AssertProblemAsync(browser, AccessHttp.Request(HttpMethod.Get, route), HttpStatusCode.Unauthorized, "authentication_required", Server);
            await AccessHttp.AssertProblemAsync(
                browser, AccessHttp.Request(HttpMethod.Get, $"{route}?access_token={Uri.EscapeDataString(someoneElses.Token)}"), HttpStatusCode.NotFound, "video_not_found", Server);
        }

        // Another upload's token does not open this one on the tus routes either: 404, as for an id nobody has (HEAD has no body).
        await AccessHttp.AssertStatusAsync(browser, AccessHttp.TusRequest(HttpMethod.Head, upload.Path, someoneElses.Token), HttpStatusCode.NotFound, Server);
        await AccessHttp.AssertProblemAsync(browser, AccessHttp.TusRequest(HttpMethod.Delete, upload.Path, someoneElses.Token), HttpStatusCode.NotFound, "upload_not_found", Server);
        await AccessHttp.AssertStatusAsync(browser, AccessHttp.TusRequest(HttpMethod.Head, upload.Path, upload.Token), HttpStatusCode.OK, Server);

        // The query is read on the download routes only: a DELETE with ?access_token= has no credential.
        await AccessHttp.AssertProblemAsync(
            browser, AccessHttp.TusRequest(HttpMethod.Delete, $"{upload.Path}?access_token={Uri.EscapeDataString(upload.Token)}"), HttpStatusCode.Unauthorized, "authentication_required", Server);
    }

    [Fact]
    public async Task Seed_chunks_sent_with_only_the_upload_token_complete_and_the_token_downloads_the_video()
    {
        const int chunkSize = 64 * 1024;
        var file = await RandomFile.CreateAsync(gateway.Combine("direct-seed.bin"), (3 * chunkSize) - 99, seed: 5_0002);
        var upload = await AccessHttp.InitiateAsync(Server.Http, Server, file.Size, "direct-seed.mp4", chunkSize: chunkSize);
        var someoneElses = await AccessHttp.InitiateAsync(Server.Http, Server, 1000, "other.mp4");
        Assert.Equal(3, upload.TotalChunks);

        using var browser = AccessHttp.Client(Server);
        for (var chunk = 0; chunk < upload.TotalChunks; chunk++)
        {
            var bytes = await file.ReadChunkAsync(chunk, chunkSize);

            // The other upload's token cannot put bytes here (404), and nothing is stored by trying.
            using (var refused = await AccessHttp.PutChunkAsync(browser, upload.UploadId, chunk, bytes, someoneElses.UploadToken))
            {
                await AccessHttp.AssertProblemAsync(refused, HttpStatusCode.NotFound, "upload_not_found", Server);
            }

            using var stored = await AccessHttp.PutChunkAsync(browser, upload.UploadId, chunk, bytes, upload.UploadToken);
            await AccessHttp.ExpectAsync(stored, HttpStatusCode.OK, $"PUT chunk {chunk} with the upload token", Server);
        }

        using (var status = AccessHttp.Request(HttpMethod.Get, $"/api/uploads/{upload.UploadId}", upload.UploadToken))
        using (var response = await browser.SendAsync(status))
        {
            var reply = await Server.Api.ReadAsync<StatusReply>(response, HttpStatusCode.OK, "status with the upload token");
            Assert.Equal("completed", reply.Status);
            Assert.Equal(0, reply.ChunkRetries);
        }

        using (var complete = AccessHttp.Request(HttpMethod.Post, $"/api/uploads/{upload.UploadId}/complete", upload.UploadToken))
        using (var response = await browser.SendAsync(complete))
        {
            var video = await Server.Api.ReadAsync<VideoReply>(response, HttpStatusCode.OK, "complete with the upload token");
            Assert.Equal(upload.UploadId, video.Id);
        }

        var (length, sha256) = await AccessHttp.DownloadAsync(browser, $"/api/videos/{upload.UploadId}/content?access_token={Uri.EscapeDataString(upload.UploadToken)}", Server);
        Assert.Equal(file.Size, length);
        Assert.Equal(file.Sha256, sha256);

        // A token opens its upload, nothing of the service: it cannot start an upload, list a project, or read statistics.
        using var tokenOnly = AccessHttp.Client(Server);
        tokenOnly.DefaultRequestHeaders.Add(AccessHttp.UploadTokenHeader, upload.UploadToken);
        using (var initiate = await AccessHttp.SendInitiateAsync(tokenOnly, 10))
        {
            await AccessHttp.AssertProblemAsync(initiate, HttpStatusCode.Forbidden, "project_forbidden", Server);
        }

        await AccessHttp.AssertProblemAsync(tokenOnly, AccessHttp.Request(HttpMethod.Get, "/api/videos?projectId=default"), HttpStatusCode.Forbidden, "project_forbidden", Server);
        await AccessHttp.AssertProblemAsync(tokenOnly, AccessHttp.Request(HttpMethod.Get, "/api/uploads/statistics"), HttpStatusCode.Forbidden, "caller_credential_required", Server);
    }
}
