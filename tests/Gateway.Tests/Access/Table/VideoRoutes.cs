// Why this exists: the video routes (/api/videos) as rows of the access table: a video's record, its content, a
// project's listing, and the legacy form post that makes one.

using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Access.Table;

/// <summary><c>GET /api/videos/{id}</c> of the owner's finished upload.</summary>
public sealed class VideoRecordRoute : ProtectedRoute
{
    public override string Name => "video record";

    public override RouteRule Rule => RouteRule.PerUpload;

    public override HttpStatusCode Success => HttpStatusCode.OK;

    public override string NotFoundCode => "video_not_found";

    public override Task<OwnedUpload> ArrangeAsync(Owner owner) => owner.UploadChunkedAsync(Owner.NewFile());

    public override async Task<Answer> SendAsync(Probe probe)
    {
        using var response = await new UploadsApiClient(probe.Client).SendVideoAsync(probe.Target.Id);
        return await Answer.ReadAsync(response);
    }

    public override Task AssertDoneAsync(Owner owner, OwnedUpload target, Answer answer)
    {
        Assert.Equal(target.Id, answer.Json.GetProperty("id").GetGuid());
        Assert.Equal(AccessGatewayFixture.OwnerProject, answer.Json.GetProperty("projectId").GetString());
        return Task.CompletedTask;
    }
}

/// <summary><c>GET /api/videos/{id}/content</c> of the owner's finished upload.</summary>
public sealed class VideoContentRoute : ProtectedRoute
{
    public override string Name => "video content";

    public override RouteRule Rule => RouteRule.PerUpload;

    public override HttpStatusCode Success => HttpStatusCode.OK;

    public override string NotFoundCode => "video_not_found";

    public override Task<OwnedUpload> ArrangeAsync(Owner owner) => owner.UploadChunkedAsync(Owner.NewFile());

    public override async Task<Answer> SendAsync(Probe probe)
    {
        using var response = await new UploadsApiClient(probe.Client).SendContentAsync(probe.Target.Id);
        return await Answer.ReadAsync(response);
    }

    public override Task AssertDoneAsync(Owner owner, OwnedUpload target, Answer answer)
    {
        Assert.Equal(target.Sha256, TestData.Sha256Hex(answer.Content));
        return Task.CompletedTask;
    }
}

/// <summary><c>GET /api/videos?projectId=p-owner</c>.</summary>
public sealed class VideoListingRoute : ProtectedRoute
{
    public override string Name => "video listing";

    public override RouteRule Rule => RouteRule.NamesProject;

    public override HttpStatusCode Success => HttpStatusCode.OK;

    public override Task<OwnedUpload> ArrangeAsync(Owner owner) => owner.UploadChunkedAsync(Owner.NewFile());

    public override async Task<Answer> SendAsync(Probe probe)
    {
        using var response = await new UploadsApiClient(probe.Client).SendVideosAsync(AccessGatewayFixture.OwnerProject);
        return await Answer.ReadAsync(response);
    }

    public override Task AssertDoneAsync(Owner owner, OwnedUpload target, Answer answer)
    {
        Assert.Contains(target.Id, answer.Json.EnumerateArray().Select(video => video.GetProperty("id").GetGuid()));
        return Task.CompletedTask;
    }
}

/// <summary><c>POST /api/videos</c>, the legacy form post, naming the owner's project before its file.</summary>
public sealed class LegacyPostRoute : ProtectedRoute
{
    public override string Name => "legacy form post";

    public override RouteRule Rule => RouteRule.NamesProject;

    public override HttpStatusCode Success => HttpStatusCode.Created;

    public override Task<OwnedUpload> ArrangeAsync(Owner owner) => owner.StartChunkedAsync(Owner.NewFile());

    public override async Task<Answer> SendAsync(Probe probe)
    {
        using var response = await new UploadsApiClient(probe.Client).SendLegacyUploadAsync(
            IntruderFile(probe.Target), TestData.RandomVideo(5000, seed: 668, ".webm"), AccessGatewayFixture.OwnerProject);
        return await Answer.ReadAsync(response);
    }

    public override async Task AssertDoneAsync(Owner owner, OwnedUpload target, Answer answer)
    {
        Assert.Equal(AccessGatewayFixture.OwnerProject, answer.Json.GetProperty("projectId").GetString());
        Assert.Contains(answer.Json.GetProperty("id").GetGuid(), await owner.VideosAsync());
    }

    public override async Task AssertOwnerDataAsync(Owner owner, OwnedUpload target, bool allowed)
    {
        if (!allowed)
        {
            var videos = await owner.Api.ListVideosAsync(AccessGatewayFixture.OwnerProject);
            Assert.DoesNotContain(IntruderFile(target), videos.Select(video => video.OriginalName));
        }

        await owner.FinishAndVerifyAsync(target);
    }

    /// <summary>A name only this case's post uses, so its video (if one appeared) is found.</summary>
    private static string IntruderFile(OwnedUpload target) => $"intruder-{target.Id:N}.webm";
}
