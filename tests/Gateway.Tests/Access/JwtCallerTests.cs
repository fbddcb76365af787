// Why this exists: JWT bearer callers are the second kind of caller; their projects come from a claim in two shapes, and
// every reason a token must not be trusted (expired, another audience, another issuer, another key) must end in a 401.

using System.Net;
using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Access;

public sealed class JwtCallerTests(AccessGatewayFixture gateway) : IClassFixture<AccessGatewayFixture>
{
    /// <summary>The projects claim as a JSON array, and as one space-separated string.</summary>
    public static TheoryData<object> ProjectClaims => new()
    {
        new[] { "p-elsewhere", AccessGatewayFixture.OwnerProject },
        "p-elsewhere " + AccessGatewayFixture.OwnerProject,
    };

    [Theory]
    [MemberData(nameof(ProjectClaims))]
    public async Task Jwt_projects_claim_allows_its_projects(object projects)
    {
        using var owner = new Owner(gateway);
        var owned = await owner.StartChunkedAsync(Owner.NewFile());
        using var client = gateway.ClientWithBearer(CallerJwts.Mint(gateway, projects));
        var api = new UploadsApiClient(client);

        using (var initiated = await api.SendInitiateAsync(new InitiateRequest("jwt.mp4", 1000, AccessGatewayFixture.OwnerProject)))
        {
            var body = await HttpAssert.JsonAsync(initiated, HttpStatusCode.Created);
            Assert.Equal(AccessGatewayFixture.OwnerProject, (await owner.Api.GetStatusOkAsync(body.GetProperty("uploadId").GetGuid())).GetProperty("projectId").GetString());
        }

        Assert.Equal(owned.Id, (await api.GetStatusOkAsync(owned.Id)).GetProperty("uploadId").GetGuid());
        using (var elsewhere = await api.SendInitiateAsync(new InitiateRequest("jwt.mp4", 1000, "p-elsewhere")))
        {
            await HttpAssert.JsonAsync(elsewhere, HttpStatusCode.Created);
        }

        using var forbidden = await api.SendInitiateAsync(new InitiateRequest("jwt.mp4", 1000, AccessGatewayFixture.OtherProject));
        await HttpAssert.ProblemAsync(forbidden, HttpStatusCode.Forbidden, "project_forbidden");
    }

    [Fact]
    public async Task Jwt_without_the_project_is_forbidden_to_name_it_and_cannot_see_its_uploads()
    {
        using var owner = new Owner(gateway);
        var owned = await owner.UploadChunkedAsync(Owner.NewFile());
        using var client = gateway.ClientWithBearer(CallerJwts.Mint(gateway, new[] { AccessGatewayFixture.OtherProject }));
        var api = new UploadsApiClient(client);

        using (var initiated = await api.SendInitiateAsync(new InitiateRequest("jwt.mp4", 1000, AccessGatewayFixture.OwnerProject)))
        {
            await HttpAssert.ProblemAsync(initiated, HttpStatusCode.Forbidden, "project_forbidden");
        }

        using (var listed = await api.SendVideosAsync(AccessGatewayFixture.OwnerProject))
        {
            await HttpAssert.ProblemAsync(listed, HttpStatusCode.Forbidden, "project_forbidden");
        }

        using (var status = await api.SendStatusAsync(owned.Id))
        {
            await HttpAssert.ProblemAsync(status, HttpStatusCode.NotFound, "upload_not_found");
        }

        using (var video = await api.SendContentAsync(owned.Id))
        {
            await HttpAssert.ProblemAsync(video, HttpStatusCode.NotFound, "video_not_found");
        }

        // Still a caller: the routes about the whole service answer it.
        using var statistics = await api.SendStatisticsAsync();
        await HttpAssert.JsonAsync(statistics, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Jwt_without_a_projects_claim_is_a_caller_of_no_project()
    {
        using var client = gateway.ClientWithBearer(CallerJwts.Mint(gateway, projects: null));
        var api = new UploadsApiClient(client);

        using (var initiated = await api.SendInitiateAsync(new InitiateRequest("jwt.mp4", 1000)))
        {
            await HttpAssert.ProblemAsync(initiated, HttpStatusCode.Forbidden, "project_forbidden");
        }

        using var health = await api.SendHealthAsync();
        await HttpAssert.JsonAsync(health, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Jwt_naming_the_gateways_own_claims_gains_nothing_by_them()
    {
        using var owner = new Owner(gateway);
        var upload = await owner.StartChunkedAsync(Owner.NewFile(), chunksStored: 1);
        var extra = new Dictionary<string, object> { [Caller.ProjectClaim] = Caller.AllProjects, [Caller.UploadClaim] = upload.Id.ToString("N") };
        using var client = gateway.ClientWithBearer(CallerJwts.Mint(gateway, new[] { AccessGatewayFixture.OtherProject }, extraClaims: extra));

        using var status = await new UploadsApiClient(client).SendStatusAsync(upload.Id);

        await HttpAssert.ProblemAsync(status, HttpStatusCode.NotFound, "upload_not_found");
    }

    public static TheoryData<string> UntrustedJwts => ["expired", "another audience", "another issuer", "another signing key", "upload-token audience"];

    [Theory]
    [MemberData(nameof(UntrustedJwts))]
    public async Task Untrusted_jwt_is_invalid_credentials(string why)
    {
        string[] projects = [AccessGatewayFixture.OwnerProject];
        var jwt = why switch
        {
            // Past the validator's 30 seconds of clock skew.
            "expired" => CallerJwts.Mint(gateway, projects, expires: DateTimeOffset.UtcNow.AddMinutes(-2)),
            "another audience" => CallerJwts.Mint(gateway, projects, audience: "someone-else"),
            "another issuer" => CallerJwts.Mint(gateway, projects, issuer: "https://issuer.elsewhere.example"),
            "another signing key" => CallerJwts.Mint(gateway, projects, signingKey: AccessKeys.NewSecret()),
            "upload-token audience" => CallerJwts.Mint(gateway, projects, issuer: "orleans-uploads", audience: "orleans-uploads/upload"),
            _ => throw new ArgumentOutOfRangeException(nameof(why), why, null),
        };
        using var client = gateway.ClientWithBearer(jwt);

        using var response = await new UploadsApiClient(client).SendInitiateAsync(new InitiateRequest("jwt.mp4", 1000, AccessGatewayFixture.OwnerProject));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Valid_jwt_for_the_project_still_passes_the_same_checks_as_a_key()
    {
        // The control for the test above: the same request with a JWT that is in order succeeds.
        using var client = gateway.ClientWithBearer(CallerJwts.Mint(gateway, new[] { AccessGatewayFixture.OwnerProject }));

        using var response = await new UploadsApiClient(client).SendInitiateAsync(new InitiateRequest("jwt.mp4", 1000, AccessGatewayFixture.OwnerProject));

        await HttpAssert.JsonAsync(response, HttpStatusCode.Created);
    }
}
