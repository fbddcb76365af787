// Why this exists: API keys are the plain kind of caller; a project may have several keys (one per holder) that all
// reach its uploads, and an Authorization header that is not a bearer of a known key is refused, never ignored.

using System.Net;
using System.Net.Http.Headers;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Access;

public sealed class ApiKeyTests(AccessGatewayFixture gateway) : IClassFixture<AccessGatewayFixture>
{
    [Fact]
    public async Task Two_keys_of_one_project_both_reach_its_uploads()
    {
        using var first = gateway.ClientWithBearer(gateway.OwnerKey);
        using var second = gateway.ClientWithBearer(gateway.SecondOwnerKey);
        var firstApi = new UploadsApiClient(first);
        var secondApi = new UploadsApiClient(second);
        var file = Owner.NewFile();

        // One key starts the upload, the other sends its bytes and completes it; each sees the other's work.
        var upload = await firstApi.StartAsync("shared.mp4", file.Length, AccessGatewayFixture.OwnerProject);
        await secondApi.PutAllChunksAsync(upload, file);
        Assert.Equal("completed", (await firstApi.GetStatusOkAsync(upload.UploadId)).GetProperty("status").GetString());
        Assert.Equal(file, await secondApi.DownloadAsync(upload.UploadId));
        Assert.Contains(upload.UploadId, (await firstApi.ListVideosAsync(AccessGatewayFixture.OwnerProject)).Select(video => video.Id));
        Assert.Contains(upload.UploadId, (await secondApi.ListVideosAsync(AccessGatewayFixture.OwnerProject)).Select(video => video.Id));
    }

    [Fact]
    public async Task Admin_key_reaches_every_project()
    {
        using var owner = new Owner(gateway);
        var owned = await owner.UploadChunkedAsync(Owner.NewFile(2000));
        using var admin = gateway.ClientWithBearer(gateway.AdminKey);
        var api = new UploadsApiClient(admin);

        Assert.Equal(owned.File, await api.DownloadAsync(owned.Id));
        using var initiated = await api.SendInitiateAsync(new InitiateRequest("any.mp4", 10, "p-anything"));
        await HttpAssert.JsonAsync(initiated, HttpStatusCode.Created);
    }

    public static TheoryData<string> MalformedAuthorizations => ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Token abc", "bearer-without-scheme"];

    [Theory]
    [MemberData(nameof(MalformedAuthorizations))]
    public async Task Malformed_authorization_is_invalid_credentials(string authorization)
    {
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/uploads/statistics", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        using var response = await client.SendAsync(request);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task Key_differing_from_a_configured_one_in_case_is_refused()
    {
        var flipped = new string([.. gateway.OwnerKey.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c))]);
        using var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", flipped);

        using var response = await new UploadsApiClient(client).SendStatisticsAsync();

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_credentials");
    }
}
