using System.Net;
using System.Net.Http.Headers;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests;

/// <summary>GET /api/videos/{id}, /api/videos?projectId=, and /api/videos/{id}/content with HTTP Range.</summary>
public sealed class VideoContentTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const int Chunk = GatewayFixture.ChunkSize;
    private readonly UploadsApiClient _api = gateway.Api;

    [Fact]
    public async Task Video_record_is_served_by_id()
    {
        var file = TestData.RandomBytes(Chunk + 17, seed: 61);
        var completed = await _api.UploadAsync("record.mp4", file, "videos-record", new { k = "v" });
        var id = completed.GetProperty("id").GetGuid();

        var video = await _api.GetOkAsync($"/api/videos/{id}");

        Assert.Equal(completed.GetRawText(), video.GetRawText());
    }

    [Fact]
    public async Task Unknown_video_is_not_found()
    {
        foreach (var path in new[] { $"/api/videos/{Guid.NewGuid()}", "/api/videos/not-a-guid", $"/api/videos/{Guid.NewGuid()}/content", "/api/videos/nope/content" })
        {
            using var response = await _api.GetAsync(path);
            await HttpAssert.ProblemAsync(response, HttpStatusCode.NotFound, "video_not_found");
        }
    }

    [Fact]
    public async Task Unfinished_upload_is_not_a_video_yet()
    {
        var file = TestData.RandomBytes((2 * Chunk) + 1, seed: 62);
        var upload = await _api.StartAsync("pending.mp4", file.Length, projectId: "videos-pending");
        await _api.PutChunkOkAsync(upload, file, 0);

        using var record = await _api.GetAsync($"/api/videos/{upload.UploadId}");
        await HttpAssert.ProblemAsync(record, HttpStatusCode.NotFound, "video_not_found");
        using var content = await _api.GetAsync($"/api/videos/{upload.UploadId}/content");
        await HttpAssert.ProblemAsync(content, HttpStatusCode.NotFound, "video_not_found");
        Assert.Empty((await _api.GetOkAsync("/api/videos?projectId=videos-pending")).EnumerateArray());
    }

    [Fact]
    public async Task Project_listing_has_its_chunked_and_legacy_videos_only()
    {
        var project = "videos-list";
        var chunked = await _api.UploadAsync("chunked.mp4", TestData.RandomBytes(Chunk + 3, seed: 63), project);
        using var legacyResponse = await _api.SendLegacyUploadAsync("legacy.mov", TestData.RandomBytes(999, seed: 64), project, projectFirst: false);
        var legacy = await HttpAssert.JsonAsync(legacyResponse, HttpStatusCode.Created);
        var elsewhere = await _api.UploadAsync("other.mp4", TestData.RandomBytes(500, seed: 65), "videos-other");
        await _api.UploadAsync("unassigned.mp4", TestData.RandomBytes(400, seed: 66));

        var listed = await _api.GetOkAsync($"/api/videos?projectId={project}");

        var byId = listed.EnumerateArray().ToDictionary(v => v.GetProperty("id").GetGuid(), v => v.GetRawText());
        Assert.Equal(2, byId.Count);
        Assert.Equal(chunked.GetRawText(), byId[chunked.GetProperty("id").GetGuid()]);
        Assert.Equal(legacy.GetRawText(), byId[legacy.GetProperty("id").GetGuid()]);
        Assert.DoesNotContain(elsewhere.GetProperty("id").GetGuid(), byId.Keys);

        var other = await _api.GetOkAsync("/api/videos?projectId=videos-other");
        Assert.Equal([elsewhere.GetProperty("id").GetGuid()], other.EnumerateArray().Select(v => v.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task Listing_of_a_project_without_videos_is_empty()
    {
        var listed = await _api.GetOkAsync("/api/videos?projectId=videos-none");

        Assert.Empty(listed.EnumerateArray());
    }

    [Theory]
    [InlineData("/api/videos")]
    [InlineData("/api/videos?projectId=")]
    public async Task Listing_needs_a_project(string path)
    {
        using var response = await _api.GetAsync(path);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "project_id_required");
    }

    [Fact]
    public async Task Listing_with_an_invalid_project_is_refused()
    {
        using var response = await _api.GetAsync("/api/videos?projectId=bad%20id");

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_project_id");
    }

    [Fact]
    public async Task Content_streams_the_uploaded_bytes()
    {
        var file = TestData.RandomBytes((3 * Chunk) + 1234, seed: 67);
        var video = await _api.UploadAsync("stream me.mp4", file);

        using var response = await _api.GetAsync(video.GetProperty("contentUrl").GetString()!);

        await HttpAssert.StatusAsync(response, HttpStatusCode.OK);
        var downloaded = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(TestData.Sha256Hex(file), TestData.Sha256Hex(downloaded));
        Assert.Equal("video/mp4", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(file.Length, response.Content.Headers.ContentLength);
        Assert.Equal("bytes", string.Join(",", response.Headers.AcceptRanges));
        Assert.Equal($"\"{TestData.Sha256Hex(file)}\"", response.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task Content_of_a_legacy_upload_streams_too()
    {
        var file = TestData.RandomVideo((2 * Chunk) + 77, seed: 68, ".avi");
        using var posted = await _api.SendLegacyUploadAsync("legacy.avi", file);
        var video = await HttpAssert.JsonAsync(posted, HttpStatusCode.Created);

        using var response = await _api.GetAsync(video.GetProperty("contentUrl").GetString()!);

        await HttpAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Equal(file, await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(10, 19)]
    [InlineData(0, 0)]
    [InlineData(65530, 65545)]
    public async Task Range_request_returns_exactly_those_bytes(int from, int to)
    {
        var file = TestData.RandomBytes((2 * Chunk) + 5, seed: 69);
        var video = await _api.UploadAsync("range.mp4", file);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(video.GetProperty("contentUrl").GetString()!, UriKind.Relative));
        request.Headers.Range = new RangeHeaderValue(from, to);

        using var response = await gateway.Client.SendAsync(request);

        await HttpAssert.StatusAsync(response, HttpStatusCode.PartialContent);
        Assert.Equal(file[from..(to + 1)], await response.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes {from}-{to}/{file.Length}", response.Content.Headers.ContentRange?.ToString());
        Assert.Equal(to - from + 1, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Suffix_range_returns_the_tail()
    {
        var file = TestData.RandomBytes(1000, seed: 70);
        var video = await _api.UploadAsync("tail.mp4", file);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(video.GetProperty("contentUrl").GetString()!, UriKind.Relative));
        request.Headers.Range = new RangeHeaderValue(null, 100);

        using var response = await gateway.Client.SendAsync(request);

        await HttpAssert.StatusAsync(response, HttpStatusCode.PartialContent);
        Assert.Equal(file[^100..], await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("bytes 900-999/1000", response.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task Range_beyond_the_end_is_not_satisfiable()
    {
        var file = TestData.RandomBytes(1000, seed: 71);
        var video = await _api.UploadAsync("short.mp4", file);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(video.GetProperty("contentUrl").GetString()!, UriKind.Relative));
        request.Headers.Range = new RangeHeaderValue(5000, 6000);

        using var response = await gateway.Client.SendAsync(request);

        await HttpAssert.StatusAsync(response, HttpStatusCode.RequestedRangeNotSatisfiable);
        Assert.Equal("bytes */1000", response.Content.Headers.ContentRange?.ToString());
    }

    /// <summary>RFC 9110 §14.2: a range unit the server does not know is ignored: 200 and the whole content, on both download routes.</summary>
    [Fact]
    public async Task Range_in_an_unknown_unit_is_ignored()
    {
        var file = TestData.RandomBytes(1000, seed: 72);
        var video = await _api.UploadAsync("furlongs.mp4", file);
        foreach (var path in new[] { video.GetProperty("contentUrl").GetString()!, $"/files/{video.GetProperty("id").GetGuid():N}" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
            request.Headers.TryAddWithoutValidation("Range", "furlongs=0-5");

            using var response = await gateway.Client.SendAsync(request);

            await HttpAssert.StatusAsync(response, HttpStatusCode.OK);
            Assert.Null(response.Content.Headers.ContentRange);
            Assert.Equal(file, await response.Content.ReadAsByteArrayAsync());
        }
    }
}
