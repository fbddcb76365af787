using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Gateway.Tests.Tus;

namespace Orleans.Uploads.Gateway.Tests.Ietf;

/// <summary>
/// Upload creation per the draft, at each interop version: POST /files/ (and POST /api/videos with a raw body) with
/// Upload-Complete; ?1 with the whole file completes it in one request, ?0 leaves it open. 201 with Location and
/// Upload-Limit; the draft's problem types for lengths that contradict each other.
/// </summary>
public sealed class IetfCreationTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const string Clip = "attachment; filename=\"clip.mp4\"";

    public static TheoryData<int> Versions => [5, 6, 8];

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Upload_complete_true_with_the_whole_file_completes_in_one_request(int version)
    {
        var ietf = new IetfClient(gateway.Client, version);
        var file = TestData.RandomBytes(150_000, seed: 1600 + version);

        using var response = await ietf.CreateAsync(complete: true, file, headers: ("Content-Disposition", Clip));

        var video = await HttpAssert.JsonAsync(response, HttpStatusCode.Created);
        var id = TusClient.IdOf(response);
        ietf.AssertState(response, file.Length, complete: true);
        Assert.Equal(id, video.GetProperty("uploadId").GetGuid());
        Assert.Equal(file.Length, video.GetProperty("size").GetInt64());
        Assert.Equal("clip.mp4", video.GetProperty("originalName").GetString());
        Assert.Equal(file, await gateway.Client.GetByteArrayAsync(new Uri(TusClient.PathOf(id), UriKind.Relative)));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Upload_complete_false_leaves_the_upload_open_at_what_arrived(int version)
    {
        var ietf = new IetfClient(gateway.Client, version);
        var file = TestData.RandomBytes(100_000, seed: 1610 + version);

        using var response = await ietf.CreateAsync(complete: false, file[..40_000], headers: ("Upload-Length", "100000"));

        await HttpAssert.StatusAsync(response, HttpStatusCode.Created);
        var id = TusClient.IdOf(response);
        ietf.AssertState(response, 40_000, complete: false);
        Assert.Equal("100000", IetfClient.Header(response, "Upload-Length"));
        Assert.InRange(IetfClient.AssertLimit(response, gateway.UploadTimeout), gateway.UploadTimeout.TotalSeconds - 60, gateway.UploadTimeout.TotalSeconds);
        Assert.NotNull(IetfClient.Header(response, "Upload-Token"));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());

        using var head = await ietf.HeadAsync(id);
        await HttpAssert.StatusAsync(head, HttpStatusCode.NoContent);
        ietf.AssertState(head, 40_000, complete: false);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Creation_without_content_starts_at_offset_zero(int version)
    {
        var ietf = new IetfClient(gateway.Client, version);

        using var response = await ietf.CreateAsync(complete: false, body: null, headers: ("Content-Disposition", Clip));

        await HttpAssert.StatusAsync(response, HttpStatusCode.Created);
        ietf.AssertState(response, 0, complete: false);
        Assert.Null(IetfClient.Header(response, "Upload-Length"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task A_raw_body_to_api_videos_is_a_resumable_creation(int version)
    {
        var ietf = new IetfClient(gateway.Client, version);
        var file = TestData.RandomBytes(70_000, seed: 1620 + version);

        using var response = await ietf.CreateAsync(complete: true, file, "/api/videos");

        var video = await HttpAssert.JsonAsync(response, HttpStatusCode.Created);
        var id = TusClient.IdOf(response);
        ietf.AssertState(response, file.Length, complete: true);
        Assert.Equal(id, video.GetProperty("uploadId").GetGuid());

        // No name but the media type: the session names it after its type.
        Assert.EndsWith(".mp4", video.GetProperty("originalName").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_form_post_to_api_videos_naming_the_draft_stays_the_legacy_upload()
    {
        var ietf = new IetfClient(gateway.Client, 8);
        var file = TestData.RandomBytes(20_000, seed: 1630);
        using var form = new MultipartFormDataContent { { new ByteArrayContent(file), "file", "form.mp4" } };

        using var response = await ietf.SendAsync(HttpMethod.Post, "/api/videos", form, ("Upload-Complete", "?1"));

        var video = await HttpAssert.JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal($"/api/videos/{video.GetProperty("id").GetGuid()}", response.Headers.Location!.OriginalString);
        Assert.Null(IetfClient.Header(response, "Upload-Complete"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Creation_must_say_whether_it_completes_the_upload(int version)
    {
        var ietf = new IetfClient(gateway.Client, version);

        using var response = await ietf.SendAsync(HttpMethod.Post, "/files/", null, ("Content-Disposition", Clip));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_upload_complete");
        Assert.Null(response.Headers.Location);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("1")]
    [InlineData("?2")]
    public async Task Upload_complete_must_be_a_structured_boolean(string value)
    {
        var ietf = new IetfClient(gateway.Client, 8);

        using var response = await ietf.SendAsync(HttpMethod.Post, "/files/", null, ("Upload-Complete", value), ("Content-Disposition", Clip));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_upload_complete");
    }

    /// <summary>Clients of the oldest drafts say Upload-Incomplete: ?1 for Upload-Complete: ?0.</summary>
    [Fact]
    public async Task Upload_incomplete_is_read_as_the_negation_of_upload_complete()
    {
        var ietf = new IetfClient(gateway.Client, 5);

        using var response = await ietf.SendAsync(HttpMethod.Post, "/files/", null, ("Upload-Incomplete", "?1"), ("Content-Disposition", Clip));

        await HttpAssert.StatusAsync(response, HttpStatusCode.Created);
        ietf.AssertState(response, 0, complete: false);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Upload_length_that_contradicts_the_complete_content_is_the_inconsistent_length_problem(int version)
    {
        var ietf = new IetfClient(gateway.Client, version);

        using var response = await ietf.CreateAsync(complete: true, TestData.RandomBytes(5_000, seed: 1640), headers: [("Upload-Length", "6000"), ("Content-Disposition", Clip)]);

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "length_mismatch");
        Assert.Equal(IetfClient.InconsistentLength, problem.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("3")]
    [InlineData("7")]
    [InlineData("eight")]
    public async Task An_interop_version_this_server_does_not_speak_is_400(string version)
    {
        var ietf = new IetfClient(gateway.Client, 8);

        using var response = await ietf.SendAsync(HttpMethod.Post, "/files/", null, ("Upload-Draft-Interop-Version", version), ("Upload-Complete", "?0"));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "unsupported_interop_version");
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Without_an_interop_version_files_is_tus()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/files/", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Upload-Complete", "?0");

        using var response = await gateway.Client.SendAsync(request);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.PreconditionFailed, "unsupported_tus_version");
        TusClient.AssertTus(response);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task A_type_the_service_does_not_take_is_refused_before_the_upload_exists(int version)
    {
        var ietf = new IetfClient(gateway.Client, version);

        using var response = await ietf.SendAsync(
            HttpMethod.Post, "/files/", IetfClient.Body([1, 2, 3], "text/plain"), ("Upload-Complete", "?1"), ("Content-Disposition", "attachment; filename=\"notes.txt\""));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_file_type");
        Assert.Null(response.Headers.Location);
    }

    /// <summary>Content checks are tus's: bytes that are not what the name says are refused.</summary>
    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Bytes_that_are_not_the_named_type_are_refused(int version)
    {
        var ietf = new IetfClient(gateway.Client, version);
        var notVideo = new byte[5_000];
        Array.Fill(notVideo, (byte)'x');

        using var response = await ietf.CreateAsync(complete: true, notVideo, headers: ("Content-Disposition", Clip));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "content_mismatch");
    }
}
