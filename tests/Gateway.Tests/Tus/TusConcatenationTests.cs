using System.Globalization;
using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Tus;

/// <summary>
/// tus concatenation: partial uploads (Upload-Concat: partial) sent in parallel, then one final upload
/// (Upload-Concat: final;&lt;URLs&gt;) that is their bytes in order and a video like any other.
/// </summary>
public sealed class TusConcatenationTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const int Chunk = GatewayFixture.ChunkSize;
    private readonly TusClient _tus = new(gateway.Client);
    private readonly UploadsApiClient _api = gateway.Api;

    [Fact]
    public async Task Partials_sent_in_parallel_concatenate_into_the_final_upload()
    {
        var file = TestData.RandomBytes((3 * Chunk) + 4567, seed: 1801);
        int[] cuts = [0, Chunk + 100, (2 * Chunk) + 5, (3 * Chunk) + 4000, file.Length];
        var parts = await UploadPartsAsync(file, cuts);

        using var created = await CreateFinalAsync(string.Join(' ', parts.Select(TusClient.PathOf)), TusClient.Metadata(("filename", "joined.mp4"), ("projectId", "tus-concat")));

        var final = await TusClient.AssertCreatedAsync(created);
        Assert.DoesNotContain(final, parts);
        var length = file.Length.ToString(CultureInfo.InvariantCulture);
        using (var head = await _tus.HeadOkAsync(final))
        {
            Assert.Equal("final;" + string.Join(' ', parts.Select(TusClient.PathOf)), TusClient.Header(head, "Upload-Concat"));
            Assert.Equal(length, TusClient.Header(head, "Upload-Offset"));
            Assert.Equal(length, TusClient.Header(head, "Upload-Length"));
        }

        Assert.Equal(TestData.Sha256Hex(file), TestData.Sha256Hex(await _tus.DownloadAsync(final)));
        var video = await _api.GetOkAsync($"/api/videos/{final}");
        Assert.Equal("joined.mp4", video.GetProperty("originalName").GetString());
        Assert.Equal("tus-concat", video.GetProperty("projectId").GetString());
        Assert.Equal(file.Length, video.GetProperty("size").GetInt64());
        Assert.Equal(TestData.Sha256Hex(file), video.GetProperty("fileHash").GetString());

        // The parts are still partial uploads, and never videos of their own.
        for (var i = 0; i < parts.Length; i++)
        {
            using var head = await _tus.HeadOkAsync(parts[i]);
            Assert.Equal("partial", TusClient.Header(head, "Upload-Concat"));
            Assert.Equal((cuts[i + 1] - cuts[i]).ToString(CultureInfo.InvariantCulture), TusClient.Header(head, "Upload-Offset"));
            using var asVideo = await _api.GetAsync($"/api/videos/{parts[i]}");
            Assert.Equal(HttpStatusCode.NotFound, asVideo.StatusCode);
        }
    }

    [Fact]
    public async Task Final_upload_accepts_absolute_upload_urls()
    {
        var file = TestData.RandomVideo(3000, seed: 1802, ".mkv");
        var parts = await UploadPartsAsync(file, [0, 1000, 2500, 3000]);

        using var created = await CreateFinalAsync(
            string.Join(' ', parts.Select(part => "http://localhost" + TusClient.PathOf(part))), TusClient.Metadata(("filename", "absolute.mkv")));

        var final = await TusClient.AssertCreatedAsync(created);
        Assert.Equal(file, await _tus.DownloadAsync(final));
        using var head = await _tus.HeadOkAsync(final);
        var concat = TusClient.Header(head, "Upload-Concat")!;
        Assert.StartsWith("final;", concat, StringComparison.Ordinal);
        Assert.Equal(parts, concat["final;".Length..].Split(' ').Select(url => Guid.ParseExact(url.Split('/')[^1], "N")));
    }

    [Fact]
    public async Task Partial_upload_needs_no_filename_and_reports_itself_partial()
    {
        using var created = await _tus.CreateAsync(("Upload-Concat", "partial"), ("Upload-Length", "1000"));

        var part = await TusClient.AssertCreatedAsync(created);
        using (var head = await _tus.HeadOkAsync(part))
        {
            Assert.Equal("partial", TusClient.Header(head, "Upload-Concat"));
            Assert.Equal("1000", TusClient.Header(head, "Upload-Length"));
            Assert.Equal("0", TusClient.Header(head, "Upload-Offset"));
        }

        await _tus.PatchOkAsync(part, 0, TestData.RandomBytes(1000, seed: 1803));
        using var finished = await _tus.HeadOkAsync(part);
        Assert.Equal("partial", TusClient.Header(finished, "Upload-Concat"));
        Assert.Equal("1000", TusClient.Header(finished, "Upload-Offset"));
        using var asVideo = await _api.GetAsync($"/api/videos/{part}");
        Assert.Equal(HttpStatusCode.NotFound, asVideo.StatusCode);
    }

    [Fact]
    public async Task Final_upload_of_an_unfinished_partial_is_400()
    {
        var done = await UploadPartsAsync(TestData.RandomBytes(500, seed: 1804), [0, 500]);
        using var unfinishedCreated = await _tus.CreateAsync(("Upload-Concat", "partial"), ("Upload-Length", "1000"));
        var unfinished = await TusClient.AssertCreatedAsync(unfinishedCreated);
        await _tus.PatchOkAsync(unfinished, 0, TestData.RandomBytes(999, seed: 1805));

        using var response = await CreateFinalAsync($"{TusClient.PathOf(done[0])} {TusClient.PathOf(unfinished)}", TusClient.VideoMetadata);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        TusClient.AssertTus(response);
        Assert.Null(response.Headers.Location);

        // Nothing was consumed: the finished partial still makes a final upload on its own.
        using var alone = await CreateFinalAsync(TusClient.PathOf(done[0]), TusClient.VideoMetadata);
        await TusClient.AssertCreatedAsync(alone);
    }

    [Fact]
    public async Task Final_upload_of_unknown_or_non_partial_uploads_is_400()
    {
        var done = await UploadPartsAsync(TestData.RandomBytes(500, seed: 1806), [0, 500]);
        var whole = await _tus.CreateOkAsync(10);
        await _tus.PatchOkAsync(whole, 0, TestData.RandomBytes(10, seed: 1807));

        foreach (var other in new[] { TusClient.PathOf(Guid.NewGuid()), TusClient.PathOf(whole) })
        {
            using var response = await CreateFinalAsync($"{TusClient.PathOf(done[0])} {other}", TusClient.VideoMetadata);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Null(response.Headers.Location);
        }
    }

    [Theory]
    [InlineData("final;")]
    [InlineData("final;/files/not-an-upload")]
    [InlineData("final")]
    [InlineData("whole")]
    [InlineData("partial;final")]
    public async Task Malformed_upload_concat_is_400(string concat)
    {
        using var response = await _tus.CreateAsync(("Upload-Concat", concat), ("Upload-Metadata", TusClient.VideoMetadata));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        TusClient.AssertTus(response);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Final_upload_with_an_upload_length_is_400()
    {
        var parts = await UploadPartsAsync(TestData.RandomBytes(800, seed: 1808), [0, 300, 800]);

        using var response = await _tus.CreateAsync(
            ("Upload-Concat", "final;" + string.Join(' ', parts.Select(TusClient.PathOf))), ("Upload-Length", "800"), ("Upload-Metadata", TusClient.VideoMetadata));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_upload_length");
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Final_upload_longer_than_tus_max_size_is_413()
    {
        const int half = (int)(GatewayFixture.MaxFileSize / 2) + 1;
        var parts = await UploadPartsAsync(TestData.RandomBytes(2 * half, seed: 1812), [0, half, 2 * half]);

        using var response = await CreateFinalAsync(string.Join(' ', parts.Select(TusClient.PathOf)), TusClient.VideoMetadata);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "file_too_large");
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Final_upload_needs_a_video_filename()
    {
        var parts = await UploadPartsAsync(TestData.RandomBytes(800, seed: 1809), [0, 300, 800]);

        using var response = await CreateFinalAsync(string.Join(' ', parts.Select(TusClient.PathOf)), metadata: null);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_filename");
    }

    /// <summary>"The Server MUST respond with the 403 Forbidden status to PATCH requests against a final upload URL."</summary>
    [Fact]
    public async Task Patch_to_a_final_upload_is_403_and_changes_nothing()
    {
        var file = TestData.RandomBytes(1200, seed: 1810);
        var parts = await UploadPartsAsync(file, [0, 700, 1200]);
        using var created = await CreateFinalAsync(string.Join(' ', parts.Select(TusClient.PathOf)), TusClient.VideoMetadata);
        var final = await TusClient.AssertCreatedAsync(created);

        foreach (var offset in new[] { 0, 1200 })
        {
            using var response = await _tus.PatchAsync(final, offset, TestData.RandomBytes(100, seed: 1811));

            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"expected 403 Forbidden for a PATCH at {offset} of a final upload, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            TusClient.AssertTus(response);
        }

        Assert.Equal(file, await _tus.DownloadAsync(final));
        using var head = await _tus.HeadOkAsync(final);
        Assert.Equal("1200", TusClient.Header(head, "Upload-Offset"));
    }

    /// <summary>Creates one partial upload per slice [cuts[i], cuts[i+1]) and PATCHes them all at once; returns them in order.</summary>
    private async Task<Guid[]> UploadPartsAsync(byte[] file, int[] cuts)
    {
        var slices = Enumerable.Range(0, cuts.Length - 1).Select(i => file[cuts[i]..cuts[i + 1]]).ToArray();
        var parts = new Guid[slices.Length];
        for (var i = 0; i < slices.Length; i++)
        {
            using var created = await _tus.CreateAsync(("Upload-Concat", "partial"), ("Upload-Length", slices[i].Length.ToString(CultureInfo.InvariantCulture)));
            parts[i] = await TusClient.AssertCreatedAsync(created);
        }

        await Task.WhenAll(parts.Select((part, i) => _tus.PatchAllAsync(part, slices[i], pieceSize: Chunk + 1)));
        return parts;
    }

    private Task<HttpResponseMessage> CreateFinalAsync(string urls, string? metadata) =>
        _tus.CreateAsync(("Upload-Concat", "final;" + urls), ("Upload-Metadata", metadata));
}
