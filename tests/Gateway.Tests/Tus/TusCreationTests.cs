using System.Globalization;
using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Tus;

/// <summary>
/// tus creation: POST /files/ with Upload-Length (or Upload-Defer-Length) and Upload-Metadata. Metadata maps onto the
/// session under the same rules as the seed API's initiate (file types, traversal, project ids).
/// </summary>
public sealed class TusCreationTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private readonly TusClient _tus = new(gateway.Client);
    private readonly UploadsApiClient _api = gateway.Api;

    [Fact]
    public async Task Post_with_upload_length_creates_an_upload_at_a_new_location()
    {
        var before = DateTimeOffset.UtcNow;

        using var response = await _tus.CreateAsync(("Upload-Length", "1234"), ("Upload-Metadata", TusClient.VideoMetadata));

        var id = await TusClient.AssertCreatedAsync(response);
        Assert.Equal(TusClient.PathOf(id), response.Headers.Location!.OriginalString);
        Assert.True(TusClient.ExpiresOf(response) > before, "Upload-Expires must be in the future");
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        using var head = await _tus.HeadOkAsync(id);
        Assert.Equal("0", TusClient.Header(head, "Upload-Offset"));
        Assert.Equal("1234", TusClient.Header(head, "Upload-Length"));
        Assert.True(File.Exists(gateway.TempFileOf(id)));
    }

    [Fact]
    public async Task Every_creation_gets_its_own_upload()
    {
        var first = await _tus.CreateOkAsync(100);
        var second = await _tus.CreateOkAsync(100);

        Assert.NotEqual(first, second);
    }

    /// <summary>An empty file has no container header, so it is no video: refused at creation, before it could complete.</summary>
    [Fact]
    public async Task Empty_upload_is_refused_as_no_video()
    {
        using var response = await _tus.CreateAsync(("Upload-Length", "0"), ("Upload-Metadata", TusClient.Metadata(("filename", "empty.mp4"))));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "content_mismatch");
        TusClient.AssertTus(response);
        Assert.Null(response.Headers.Location);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("100", "1")]
    public async Task Post_needs_exactly_one_of_upload_length_and_upload_defer_length(string? length, string? deferLength)
    {
        using var response = await _tus.CreateAsync(("Upload-Length", length), ("Upload-Defer-Length", deferLength), ("Upload-Metadata", TusClient.VideoMetadata));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_upload_length");
        TusClient.AssertTus(response);
        Assert.Null(response.Headers.Location);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData("")]
    [InlineData("99999999999999999999999")]
    public async Task Post_with_an_invalid_upload_length_is_400(string length)
    {
        using var response = await _tus.CreateAsync(("Upload-Length", length), ("Upload-Metadata", TusClient.VideoMetadata));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_upload_length");
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Post_longer_than_tus_max_size_is_413()
    {
        using var response = await _tus.CreateAsync(
            ("Upload-Length", (GatewayFixture.MaxFileSize + 1).ToString(CultureInfo.InvariantCulture)), ("Upload-Metadata", TusClient.VideoMetadata));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "file_too_large");
        TusClient.AssertTus(response);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Post_of_exactly_tus_max_size_is_accepted()
    {
        var id = await _tus.CreateOkAsync(GatewayFixture.MaxFileSize);

        using var head = await _tus.HeadOkAsync(id);
        Assert.Equal(GatewayFixture.MaxFileSize.ToString(CultureInfo.InvariantCulture), TusClient.Header(head, "Upload-Length"));
    }

    [Fact]
    public async Task Metadata_filename_filetype_and_project_map_onto_the_upload_and_are_echoed_on_head()
    {
        var metadata = TusClient.Metadata(("filename", "holiday clip.mov"), ("filetype", "video/quicktime"), ("projectId", "tus-project-1"), ("note", "ünïcödé ✓"));

        var id = await _tus.CreateOkAsync(5000, metadata);

        var status = await _api.GetStatusOkAsync(id);
        Assert.Equal("holiday clip.mov", status.GetProperty("filename").GetString());
        Assert.Equal("tus-project-1", status.GetProperty("projectId").GetString());
        Assert.Equal(5000, status.GetProperty("totalSize").GetInt64());
        var stored = status.GetProperty("metadata");
        Assert.Equal("holiday clip.mov", stored.GetProperty("filename").GetString());
        Assert.Equal("video/quicktime", stored.GetProperty("filetype").GetString());
        Assert.Equal("ünïcödé ✓", stored.GetProperty("note").GetString());
        using var head = await _tus.HeadOkAsync(id);
        Assert.Equal(metadata, TusClient.Header(head, "Upload-Metadata"));
    }

    [Fact]
    public async Task Metadata_key_without_a_value_is_kept()
    {
        var metadata = TusClient.Metadata(("filename", "flag.mp4"), ("is_confidential", null));

        var id = await _tus.CreateOkAsync(10, metadata);

        using var head = await _tus.HeadOkAsync(id);
        Assert.Equal(metadata, TusClient.Header(head, "Upload-Metadata"));
    }

    [Theory]
    [InlineData("filename !!!notbase64")]
    [InlineData("filename Y2xpcC5tcDQ=,filename eC5tcDQ=")]
    [InlineData("filename //4=")]
    [InlineData("filename Y2xpcC5tcDQ= extra")]
    public async Task Malformed_metadata_is_400(string metadata)
    {
        using var response = await _tus.CreateAsync(("Upload-Length", "100"), ("Upload-Metadata", metadata));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_metadata");
        TusClient.AssertTus(response);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Metadata_values_lose_their_control_characters()
    {
        var id = await _tus.CreateOkAsync(10, TusClient.Metadata(("filename", "cl\u0001ip\r\n.mp4"), ("note", "a\u0007b\tc\u001bd")));

        var status = await _api.GetStatusOkAsync(id);
        Assert.Equal("clip.mp4", status.GetProperty("filename").GetString());
        Assert.Equal("clip.mp4", status.GetProperty("metadata").GetProperty("filename").GetString());
        Assert.Equal("abcd", status.GetProperty("metadata").GetProperty("note").GetString());
        using var head = await _tus.HeadOkAsync(id);
        Assert.Equal(TusClient.Metadata(("filename", "clip.mp4"), ("note", "abcd")), TusClient.Header(head, "Upload-Metadata"));
    }

    [Theory]
    [InlineData("setup.exe")]
    [InlineData("notes.txt")]
    [InlineData("clip.mp4.exe")]
    public async Task Filename_of_a_type_that_is_not_a_video_is_415(string filename)
    {
        using var response = await _tus.CreateAsync(("Upload-Length", "100"), ("Upload-Metadata", TusClient.Metadata(("filename", filename))));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_file_type");
        TusClient.AssertTus(response);
        Assert.Null(response.Headers.Location);
    }

    [Theory]
    [InlineData("../../x.mp4")]
    [InlineData("..\\..\\x.mp4")]
    [InlineData("/etc/x.mp4")]
    public async Task Filename_with_a_path_keeps_only_its_last_segment(string filename)
    {
        var file = TestData.RandomBytes(300, seed: 1201);
        var id = await _tus.CreateOkAsync(file.Length, TusClient.Metadata(("filename", filename)));

        Assert.Equal("x.mp4", (await _api.GetStatusOkAsync(id)).GetProperty("filename").GetString());
        await _tus.PatchOkAsync(id, 0, file);
        var video = await _api.GetOkAsync($"/api/videos/{id}");
        Assert.Equal("x.mp4", video.GetProperty("originalName").GetString());
        Assert.Equal(TestData.StorageKey(id), video.GetProperty("filename").GetString());
        Assert.True(File.Exists(Path.Combine(gateway.FinalDirectory, TestData.StorageKey(id))));
    }

    /// <summary>Without a filename the filetype names the video; every accepted video type must be nameable this way.</summary>
    [Theory]
    [InlineData("video/mp4", ".mp4")]
    [InlineData("video/quicktime", ".mov")]
    [InlineData("video/x-msvideo", ".avi")]
    [InlineData("video/webm", ".webm")]
    [InlineData("video/x-matroska", ".mkv")]
    public async Task Filetype_alone_names_a_video(string filetype, string extension)
    {
        var file = TestData.RandomVideo(400, seed: 1202, extension);

        var id = await _tus.CreateOkAsync(file.Length, TusClient.Metadata(("filetype", filetype)));

        Assert.EndsWith(extension, (await _api.GetStatusOkAsync(id)).GetProperty("filename").GetString(), StringComparison.Ordinal);
        await _tus.PatchOkAsync(id, 0, file);
        Assert.Equal(TestData.StorageKey(id, extension), (await _api.GetOkAsync($"/api/videos/{id}")).GetProperty("filename").GetString());
        Assert.Equal(file, await _tus.DownloadAsync(id));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("filetype dmlkZW8vdW5rbm93bg==")]
    [InlineData("filename")]
    [InlineData("filename IA==")]
    [InlineData("filename Li4=")]
    [InlineData("filename Lw==,projectId cA==")]
    public async Task Metadata_naming_no_file_is_400(string? metadata)
    {
        using var response = await _tus.CreateAsync(("Upload-Length", "100"), ("Upload-Metadata", metadata));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_filename");
        TusClient.AssertTus(response);
        Assert.Null(response.Headers.Location);
    }

    [Theory]
    [InlineData("bad id")]
    [InlineData("../etc")]
    [InlineData("p/q")]
    [InlineData("ünïcode")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Invalid_project_id_is_400(string projectId)
    {
        using var response = await _tus.CreateAsync(
            ("Upload-Length", "100"), ("Upload-Metadata", TusClient.Metadata(("filename", "clip.mp4"), ("projectId", projectId))));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_project_id");
        Assert.Null(response.Headers.Location);
    }
}
