using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Catalog;

/// <summary>
/// GET /api/videos?projectId= served from the videos table, a page at a time: limit, the opaque cursor in the
/// Link rel="next" header, the body still a JSON array; bad limits and cursors are 400 problems with stable codes.
/// </summary>
public sealed class VideoListingPagingTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private readonly UploadsApiClient _api = gateway.Api;

    [Fact]
    public async Task Pages_follow_the_link_header_until_the_last_page()
    {
        var project = "proj-pages";
        var uploaded = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            uploaded.Add((await _api.UploadAsync($"clip{i}.mp4", TestData.RandomBytes(100 + i, seed: 1410 + i), project)).GetProperty("id").GetGuid());
        }

        var seen = new List<Guid>();
        var pages = new List<int>();
        string? next = $"/api/videos?projectId={project}&limit=2";
        while (next is not null)
        {
            using var response = await _api.GetAsync(next);
            var page = await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
            pages.Add(page.GetArrayLength());
            seen.AddRange(page.EnumerateArray().Select(video => video.GetProperty("id").GetGuid()));
            next = response.Headers.TryGetValues("Link", out var links) ? NextOf(links.Single()) : null;
        }

        Assert.Equal([2, 2, 1], pages);
        Assert.Equal(uploaded.Order(), seen.Order());
        Assert.Equal(5, seen.Distinct().Count());

        using var all = await _api.SendVideosAsync(project);
        Assert.Equal(5, (await HttpAssert.JsonAsync(all, HttpStatusCode.OK)).GetArrayLength());
        Assert.False(all.Headers.Contains("Link"));
    }

    [Theory]
    [InlineData("limit=0", "invalid_limit")]
    [InlineData("limit=1001", "invalid_limit")]
    [InlineData("limit=ten", "invalid_limit")]
    [InlineData("limit=-1", "invalid_limit")]
    [InlineData("cursor=not-a-cursor", "invalid_cursor")]
    public async Task Bad_paging_is_a_400_problem(string query, string code)
    {
        using var response = await _api.GetAsync($"/api/videos?projectId=proj-bad-paging&{query}");

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, code);
    }

    /// <summary>The target of a <c>&lt;...&gt;; rel="next"</c> link.</summary>
    private static string NextOf(string link)
    {
        Assert.EndsWith("; rel=\"next\"", link, StringComparison.Ordinal);
        return link[1..link.IndexOf('>', StringComparison.Ordinal)];
    }
}
