using System.Net;
using Orleans.Uploads.Gateway.Tests.Access;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Gateway.Tests.Tus;

namespace Orleans.Uploads.Gateway.Tests.Ietf;

/// <summary>
/// Access control is tus's: creating needs a credential allowed the project; the upload token from the creation (in its
/// 104 and its 201) carries the upload on; a caller of another project cannot tell the upload exists (404).
/// </summary>
public sealed class IetfAccessTests(AccessGatewayFixture gateway) : IClassFixture<AccessGatewayFixture>
{
    private const string Metadata = "filename Y2xpcC5tcDQ=";

    [Theory]
    [InlineData("/files/")]
    [InlineData("/api/videos")]
    public async Task Creation_without_a_credential_is_401(string path)
    {
        using var response = await new IetfClient(gateway.Anonymous, 8).CreateAsync(complete: true, TestData.RandomBytes(1000, seed: 1960), path);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "authentication_required");
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Creation_in_a_project_the_key_may_not_use_is_403()
    {
        using var owner = gateway.ClientWithBearer(gateway.OwnerKey);

        using var response = await new IetfClient(owner, 8).CreateAsync(
            complete: false, body: null, $"/files/?projectId={AccessGatewayFixture.OtherProject}", ("Upload-Metadata", Metadata));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Forbidden, "project_forbidden");
    }

    [Fact]
    public async Task The_upload_token_carries_the_upload_on_and_other_projects_cannot_see_it()
    {
        using var owner = gateway.ClientWithBearer(gateway.OwnerKey);
        var file = TestData.RandomBytes(30_000, seed: 1961);
        using var created = await new IetfClient(owner, 6).CreateAsync(
            complete: false, file[..10_000], $"/files/?projectId={AccessGatewayFixture.OwnerProject}", ("Upload-Metadata", Metadata));
        await HttpAssert.StatusAsync(created, HttpStatusCode.Created);
        var id = TusClient.IdOf(created);
        var token = IetfClient.Header(created, "Upload-Token");
        Assert.NotNull(token);

        using var other = gateway.ClientWithBearer(gateway.OtherKey);
        using (var hidden = await new IetfClient(other, 6).HeadAsync(id))
        {
            await HttpAssert.StatusAsync(hidden, HttpStatusCode.NotFound);
        }

        using var holder = gateway.ClientWithUploadToken(token);
        var ietf = new IetfClient(holder, 6);
        using (var head = await ietf.HeadAsync(id))
        {
            await HttpAssert.StatusAsync(head, HttpStatusCode.NoContent);
            ietf.AssertState(head, 10_000, complete: false);
        }

        using var last = await ietf.AppendAsync(id, 10_000, file[10_000..], complete: true);
        var video = await HttpAssert.JsonAsync(last, HttpStatusCode.OK);
        Assert.Equal(AccessGatewayFixture.OwnerProject, video.GetProperty("projectId").GetString());
    }
}
