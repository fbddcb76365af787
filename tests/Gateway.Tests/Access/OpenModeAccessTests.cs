// Why this exists: without any caller configured, a standalone gateway on loopback runs open (every request without a
// credential is the local developer), but a credential that is sent is still checked: a wrong one is a 401, not ignored.

using System.Net;
using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Access;

public sealed class OpenModeAccessTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task No_credential_may_use_any_project_and_see_every_upload()
    {
        var upload = await gateway.Api.StartAsync("open.mp4", 1000, "p-anything");

        Assert.Equal("p-anything", (await gateway.Api.GetStatusOkAsync(upload.UploadId)).GetProperty("projectId").GetString());
        Assert.Equal("healthy", (await gateway.Api.GetOkAsync("/health")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Wrong_api_key_is_invalid_credentials()
    {
        var upload = await gateway.Api.StartAsync("open.mp4", 1000);
        using var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AccessKeys.NewSecret());
        var api = new UploadsApiClient(client);

        using (var status = await api.SendStatusAsync(upload.UploadId))
        {
            await HttpAssert.ProblemAsync(status, HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        using var initiated = await api.SendInitiateAsync(new InitiateRequest("open.mp4", 1000));
        await HttpAssert.ProblemAsync(initiated, HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task Forged_upload_token_is_invalid_credentials()
    {
        var upload = await gateway.Api.StartAsync("open.mp4", 1000);
        var forged = new UploadTokens([AccessKeys.NewSecret()], TimeSpan.FromHours(1), TimeProvider.System).Issue(upload.UploadId, "default");
        using var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Add(AccessSchemes.UploadTokenHeader, forged);

        using var response = await new UploadsApiClient(client).SendStatusAsync(upload.UploadId);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task Upload_token_signed_with_the_generated_key_opens_its_upload()
    {
        // No signing key is configured: the gateway made one in its state directory, and signs with it.
        using var initiated = await gateway.Api.SendInitiateAsync(new InitiateRequest("open.mp4", 1000));
        var body = await HttpAssert.JsonAsync(initiated, HttpStatusCode.Created);
        var key = (await File.ReadAllTextAsync(Path.Combine(gateway.StateDirectory, SigningKeyFile.FileName))).Trim();
        var token = body.GetProperty("uploadToken").GetString()!;
        Assert.NotNull(await new UploadTokens([key], TimeSpan.FromHours(1), TimeProvider.System).ValidateAsync(token));

        using var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Add(AccessSchemes.UploadTokenHeader, token);
        var api = new UploadsApiClient(client);
        var status = await api.GetStatusOkAsync(body.GetProperty("uploadId").GetGuid());
        Assert.Equal("initiated", status.GetProperty("status").GetString());

        // A request that carries a credential is that credential's, not the local developer's: the token opens its upload only.
        var another = await gateway.Api.StartAsync("open.mp4", 1000);
        using var refused = await api.SendStatusAsync(another.UploadId);
        await HttpAssert.ProblemAsync(refused, HttpStatusCode.NotFound, "upload_not_found");
    }

    public static TheoryData<string, string> NotPlainlyLocal => new()
    {
        { "X-Forwarded-For", "203.0.113.7" },
        { "Forwarded", "for=203.0.113.7" },
        { "Via", "1.1 proxy" },
        { "Host", "uploads.example" },
        { "Origin", "https://evil.example" },
    };

    [Theory]
    [MemberData(nameof(NotPlainlyLocal))]
    public async Task A_request_that_is_not_plainly_the_developers_own_needs_a_credential(string header, string value)
    {
        var upload = await gateway.Api.StartAsync("open.mp4", 1000);
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/uploads/{upload.UploadId}");
        if (header == "Host")
        {
            request.Headers.Host = value;
        }
        else
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        using var response = await client.SendAsync(request);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "authentication_required");
    }

    [Fact]
    public async Task A_page_on_this_machine_is_the_developer()
    {
        var upload = await gateway.Api.StartAsync("open.mp4", 1000);
        using var client = gateway.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Origin", "http://localhost:3000");

        Assert.Equal("initiated", (await new UploadsApiClient(client).GetStatusOkAsync(upload.UploadId)).GetProperty("status").GetString());
    }
}
