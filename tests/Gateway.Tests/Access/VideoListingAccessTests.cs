// Why this exists: a project's listing names every video in it; only callers allowed that project may read it, and a
// caller who may not gets a plain 403 (it named the project itself), not the videos.

using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Access;

public sealed class VideoListingAccessTests(AccessGatewayFixture gateway) : IClassFixture<AccessGatewayFixture>
{
    [Fact]
    public async Task Listing_another_projects_videos_is_forbidden()
    {
        using var owner = new Owner(gateway);
        var owned = await owner.UploadChunkedAsync(Owner.NewFile());
        using var client = gateway.ClientWithBearer(gateway.OtherKey);

        using var response = await new UploadsApiClient(client).SendVideosAsync(AccessGatewayFixture.OwnerProject);

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.Forbidden, "project_forbidden");
        Assert.DoesNotContain(owned.Id.ToString(), problem.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains(owned.Id, await owner.VideosAsync());
    }

    [Fact]
    public async Task Each_caller_lists_only_the_projects_it_may_use()
    {
        using var owner = new Owner(gateway);
        var owned = await owner.UploadChunkedAsync(Owner.NewFile());
        using var otherClient = gateway.ClientWithBearer(gateway.OtherKey);
        var others = await new UploadsApiClient(otherClient).UploadAsync("other.mp4", Owner.NewFile(2000), AccessGatewayFixture.OtherProject);
        var othersId = others.GetProperty("id").GetGuid();
        using var adminClient = gateway.ClientWithBearer(gateway.AdminKey);
        var admin = new UploadsApiClient(adminClient);

        Assert.DoesNotContain(othersId, await owner.VideosAsync());
        Assert.Contains(othersId, (await new UploadsApiClient(otherClient).ListVideosAsync(AccessGatewayFixture.OtherProject)).Select(video => video.Id));
        Assert.Contains(owned.Id, (await admin.ListVideosAsync(AccessGatewayFixture.OwnerProject)).Select(video => video.Id));
        Assert.Contains(othersId, (await admin.ListVideosAsync(AccessGatewayFixture.OtherProject)).Select(video => video.Id));
    }
}
