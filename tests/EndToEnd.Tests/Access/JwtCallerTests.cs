// Why this file exists: callers from an identity provider present JWTs, and the projects claim is all that stands
// between one tenant's uploads and another's. This runs the built gateway with JWT as its only kind of caller (no API
// key) and checks with tokens minted here: the claim's projects are allowed and no others, a project's uploads are
// invisible to callers of other projects, and expired, foreign, unsigned or misaddressed tokens are refused.

using System.Net;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.EndToEnd.Tests.Access;

/// <summary>A gateway whose only callers are JWTs of <see cref="Jwts"/>' issuer: no API key is configured.</summary>
public sealed class JwtGatewayFixture : KeyedGatewayFixture
{
    public Jwts Jwts { get; } = new();

    protected override AccessKeys? Access => null;

    protected override IReadOnlyDictionary<string, string> Environment => Jwts.GatewayEnvironment;
}

/// <summary>JWT callers (HS256 test key) against the built gateway: projects from the claim, 403, 404 and 401.</summary>
public sealed class JwtCallerTests(JwtGatewayFixture gateway) : IClassFixture<JwtGatewayFixture>
{
    private const int ChunkSize = 64 * 1024;

    private GatewayServer Server => gateway.Server;

    private Jwts Jwts => gateway.Jwts;

    [Fact]
    public async Task A_token_for_p1_creates_and_uploads_in_p1_and_is_forbidden_p2()
    {
        using var p1 = AccessHttp.Client(Server, Jwts.Mint(new[] { "p1" }));
        var file = await RandomFile.CreateAsync(gateway.Combine("jwt.bin"), (2 * ChunkSize) + 10, seed: 7_0001);

        // Seed API: initiate in p1, chunks and completion with the same JWT, download, listing.
        var upload = await AccessHttp.InitiateAsync(p1, Server, file.Size, "jwt.mp4", projectId: "p1", chunkSize: ChunkSize);
        for (var chunk = 0; chunk < upload.TotalChunks; chunk++)
        {
            using var stored = await AccessHttp.PutChunkAsync(p1, upload.UploadId, chunk, await file.ReadChunkAsync(chunk, ChunkSize));
            await AccessHttp.ExpectAsync(stored, HttpStatusCode.OK, $"PUT chunk {chunk} with the p1 JWT", Server);
        }

        using (var completed = await p1.PostAsync(new Uri($"/api/uploads/{upload.UploadId}/complete", UriKind.Relative), content: null))
        {
            var video = await Server.Api.ReadAsync<VideoReply>(completed, HttpStatusCode.OK, "complete with the p1 JWT");
            Assert.Equal("p1", video.ProjectId);
            Assert.Equal(file.Sha256, video.FileHash);
        }

        var (length, sha256) = await AccessHttp.DownloadAsync(p1, $"/api/videos/{upload.UploadId}/content", Server);
        Assert.Equal((file.Size, file.Sha256), (length, sha256));
        using (var listed = await p1.GetAsync(new Uri("/api/videos?projectId=p1", UriKind.Relative)))
        {
            var videos = await Server.Api.ReadAsync<VideoReply[]>(listed, HttpStatusCode.OK, "list p1 with the p1 JWT");
            Assert.Contains(videos, video => video.Id == upload.UploadId);
        }

        // tus in p1 too.
        var created = await AccessHttp.CreateTusUploadAsync(p1, Server, 100, "jwt-tus.mp4", projectId: "p1");
        await AccessHttp.AssertStatusAsync(p1, AccessHttp.TusRequest(HttpMethod.Head, created.Path), HttpStatusCode.OK, Server, "HEAD with the p1 JWT");

        // p2, which the claim does not name: 403 project_forbidden wherever the caller names it.
        using (var initiate = await AccessHttp.SendInitiateAsync(p1, 10, projectId: "p2"))
        {
            await AccessHttp.AssertProblemAsync(initiate, HttpStatusCode.Forbidden, "project_forbidden", Server, "initiate in p2");
        }

        using (var tus = AccessHttp.TusRequest(HttpMethod.Post, "/files/"))
        {
            tus.Headers.Add("Upload-Length", "10");
            tus.Headers.Add("Upload-Metadata", AccessHttp.Metadata(("filename", "p2.mp4"), ("projectId", "p2")));
            await AccessHttp.AssertProblemAsync(p1, tus, HttpStatusCode.Forbidden, "project_forbidden", Server, "tus creation in p2");
        }

        await AccessHttp.AssertProblemAsync(p1, AccessHttp.Request(HttpMethod.Get, "/api/videos?projectId=p2"), HttpStatusCode.Forbidden, "project_forbidden", Server, "list p2");

        // A caller of p2 only does not see p1's upload or video at all: the answers of an unknown id.
        using var p2 = AccessHttp.Client(Server, Jwts.Mint(new[] { "p2" }));
        await AccessHttp.AssertProblemAsync(p2, AccessHttp.Request(HttpMethod.Get, $"/api/uploads/{upload.UploadId}"), HttpStatusCode.NotFound, "upload_not_found", Server);
        await AccessHttp.AssertProblemAsync(p2, AccessHttp.Request(HttpMethod.Get, $"/api/videos/{upload.UploadId}/content"), HttpStatusCode.NotFound, "video_not_found", Server);
        await AccessHttp.AssertStatusAsync(p2, AccessHttp.TusRequest(HttpMethod.Head, created.Path), HttpStatusCode.NotFound, Server, "HEAD of p1's tus upload with a p2 JWT");

        // JWT callers only: without one the gateway is not open.
        using var anonymous = AccessHttp.Client(Server);
        using (var initiate = await AccessHttp.SendInitiateAsync(anonymous, 10, projectId: "p1"))
        {
            await AccessHttp.AssertProblemAsync(initiate, HttpStatusCode.Unauthorized, "authentication_required", Server);
        }
    }

    [Fact]
    public async Task Projects_given_as_one_space_separated_string_are_each_allowed()
    {
        using var caller = AccessHttp.Client(Server, Jwts.Mint("p1 p3"));

        await AccessHttp.InitiateAsync(caller, Server, 10, projectId: "p1");
        await AccessHttp.InitiateAsync(caller, Server, 10, projectId: "p3");
        using var refused = await AccessHttp.SendInitiateAsync(caller, 10, projectId: "p2");
        await AccessHttp.AssertProblemAsync(refused, HttpStatusCode.Forbidden, "project_forbidden", Server);
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("signed with another key")]
    [InlineData("unsigned")]
    [InlineData("another issuer")]
    [InlineData("another audience")]
    public async Task A_bad_JWT_gets_401_invalid_credentials(string flaw)
    {
        var token = flaw switch
        {
            "expired" => Jwts.Mint(new[] { "p1" }, lifetime: TimeSpan.FromMinutes(-5)),
            "signed with another key" => Jwts.Mint(new[] { "p1" }, signingKey: AccessKeys.NewSecret()),
            "unsigned" => Jwts.Mint(new[] { "p1" }, withoutSignature: true),
            "another issuer" => Jwts.Mint(new[] { "p1" }, issuer: "https://someone-else.example"),
            "another audience" => Jwts.Mint(new[] { "p1" }, audience: "another-service"),
            _ => throw new ArgumentOutOfRangeException(nameof(flaw)),
        };
        using var caller = AccessHttp.Client(Server, token);

        using var response = await AccessHttp.SendInitiateAsync(caller, 10, projectId: "p1");

        await AccessHttp.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_credentials", Server, flaw);
    }

    [Fact]
    public async Task An_upload_token_is_not_a_callers_JWT_and_a_callers_JWT_is_not_an_upload_token()
    {
        var jwt = Jwts.Mint(new[] { "p1" });
        using var caller = AccessHttp.Client(Server, jwt);
        var upload = await AccessHttp.InitiateAsync(caller, Server, 10, projectId: "p1");

        // The upload token as a bearer: it names no caller (another issuer, audience and key).
        using var tokenAsBearer = AccessHttp.Client(Server, upload.UploadToken);
        await AccessHttp.AssertProblemAsync(tokenAsBearer, AccessHttp.Request(HttpMethod.Get, $"/api/uploads/{upload.UploadId}"), HttpStatusCode.Unauthorized, "invalid_credentials", Server);

        // The caller's JWT as X-Upload-Token: it opens no upload.
        using var anonymous = AccessHttp.Client(Server);
        await AccessHttp.AssertProblemAsync(anonymous, AccessHttp.Request(HttpMethod.Get, $"/api/uploads/{upload.UploadId}", jwt), HttpStatusCode.Unauthorized, "invalid_credentials", Server);
    }
}
