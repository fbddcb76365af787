// Why this exists: the legacy form post names its project in a form field that may come before or after the file it
// streams; either way a caller not allowed that project gets 403 and no video appears, in that project or any other.

using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;
using Orleans.Uploads.TestSupport;

namespace Orleans.Uploads.Gateway.Tests.Access;

public sealed class LegacyFormAccessTests(AccessGatewayFixture gateway) : IClassFixture<AccessGatewayFixture>
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Form_post_naming_a_forbidden_project_is_403_and_makes_no_video(bool projectFirst)
    {
        using var client = gateway.ClientWithBearer(gateway.OtherKey);
        var name = $"forbidden-{Guid.NewGuid():N}.webm";

        using var response = await new UploadsApiClient(client).SendLegacyUploadAsync(
            name, TestData.RandomVideo((2 * GatewayFixture.ChunkSize) + 10, seed: 7301, ".webm"), AccessGatewayFixture.OwnerProject, projectFirst);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Forbidden, "project_forbidden");
        await AssertNoVideoNamedAsync(name);
    }

    [Fact]
    public async Task Form_post_without_a_project_needs_the_default_project()
    {
        using var client = gateway.ClientWithBearer(gateway.OtherKey);
        var name = $"defaulted-{Guid.NewGuid():N}.webm";

        using var response = await new UploadsApiClient(client).SendLegacyUploadAsync(name, TestData.RandomVideo(5000, seed: 7302, ".webm"));

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.Forbidden, "project_forbidden");
        Assert.Contains("'default'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertNoVideoNamedAsync(name);
    }

    [Fact]
    public async Task Form_post_with_only_an_upload_token_is_refused_before_its_file_is_taken()
    {
        using var owner = new Owner(gateway);
        var upload = await owner.StartChunkedAsync(Owner.NewFile(), chunksStored: 0);
        using var client = gateway.ClientWithUploadToken(upload.Token);

        // The file part stops half-way and never resumes: only an answer given before the file is read ends this request.
        var file = new PausingContent(TestData.RandomVideo(3 * GatewayFixture.ChunkSize, seed: 7304, ".webm"), pauseAt: GatewayFixture.ChunkSize, "video/mp4");
        using var form = new MultipartFormDataContent { { file, "file", "token-only.webm" } };
        try
        {
            using var response = await client.PostAsync(new Uri("/api/videos", UriKind.Relative), form);

            await HttpAssert.ProblemAsync(response, HttpStatusCode.Forbidden, "project_forbidden");
            Assert.DoesNotContain(Directory.EnumerateFiles(gateway.TempDirectory), path => !path.Contains(upload.Id.ToString("N"), StringComparison.Ordinal));
        }
        finally
        {
            file.Resume();

            // The class's other tests expect no open upload.
            using var cancelled = await owner.Api.SendCancelAsync(upload.Id);
        }
    }

    [Fact]
    public async Task Form_post_in_an_allowed_project_is_created_there()
    {
        using var client = gateway.ClientWithBearer(gateway.OtherKey);
        var api = new UploadsApiClient(client);
        var file = TestData.RandomVideo(5000, seed: 7303, ".webm");

        using var response = await api.SendLegacyUploadAsync("allowed.webm", file, AccessGatewayFixture.OtherProject, projectFirst: false);

        var video = await HttpAssert.JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal(AccessGatewayFixture.OtherProject, video.GetProperty("projectId").GetString());
        Assert.Equal(file, await api.DownloadAsync(video.GetProperty("id").GetGuid()));
    }

    /// <summary>No project (asked by a caller allowed all of them) lists a video of that name, and no upload of it is left open.</summary>
    private async Task AssertNoVideoNamedAsync(string name)
    {
        using var adminClient = gateway.ClientWithBearer(gateway.AdminKey);
        var admin = new UploadsApiClient(adminClient);
        foreach (var project in new[] { AccessGatewayFixture.OwnerProject, AccessGatewayFixture.OtherProject, "default" })
        {
            Assert.DoesNotContain(name, (await admin.ListVideosAsync(project)).Select(video => video.OriginalName));
        }

        // The refused post's session was cancelled, its temp file removed (no other upload of this class is open).
        Assert.Empty(Directory.EnumerateFiles(gateway.TempDirectory));
    }
}
