using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Gateway.Tests.Tus;

namespace Orleans.Uploads.Gateway.Tests.Ietf;

/// <summary>
/// Appending per the draft, at each interop version: PATCH with Upload-Offset and Upload-Complete (and, from interop 6,
/// Content-Type: application/partial-upload); 204 while the upload stays open, the video once Upload-Complete: ?1 ends
/// it; the draft's problem types for a wrong offset (409, with the right offset), a completed upload and lengths that
/// contradict each other.
/// </summary>
public sealed class IetfAppendTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    public static TheoryData<int> Versions => [5, 6, 8];

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Appends_advance_the_offset_and_the_last_one_answers_the_video(int version)
    {
        var ietf = new IetfClient(gateway.Client, version);
        var file = TestData.RandomBytes(200_000, seed: 1800 + version);
        var id = await ietf.CreateOpenAsync(length: file.Length);

        using (var first = await ietf.AppendAsync(id, 0, file[..90_000], complete: false))
        {
            await HttpAssert.StatusAsync(first, HttpStatusCode.NoContent);
            ietf.AssertState(first, 90_000, complete: false);
            IetfClient.AssertLimit(first, gateway.UploadTimeout);
        }

        using var last = await ietf.AppendAsync(id, 90_000, file[90_000..], complete: true);

        var video = await HttpAssert.JsonAsync(last, HttpStatusCode.OK);
        ietf.AssertState(last, file.Length, complete: true);
        Assert.Equal(file.Length, video.GetProperty("size").GetInt64());
        Assert.Equal(file, await gateway.Client.GetByteArrayAsync(new Uri(TusClient.PathOf(id), UriKind.Relative)));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Upload_complete_fixes_the_length_of_an_upload_started_without_one(int version)
    {
        var ietf = new IetfClient(gateway.Client, version);
        var file = TestData.RandomBytes(120_000, seed: 1810 + version);
        var id = await ietf.CreateOpenAsync();
        using (var first = await ietf.AppendAsync(id, 0, file[..50_000], complete: false))
        {
            await HttpAssert.StatusAsync(first, HttpStatusCode.NoContent);
            Assert.Null(IetfClient.Header(first, "Upload-Length"));
        }

        using var last = await ietf.AppendAsync(id, 50_000, file[50_000..], complete: true);

        await HttpAssert.JsonAsync(last, HttpStatusCode.OK);
        Assert.Equal("120000", IetfClient.Header(last, "Upload-Length"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task A_wrong_offset_is_409_mismatching_upload_offset_with_the_right_one(int version)
    {
        var ietf = new IetfClient(gateway.Client, version);
        var file = TestData.RandomBytes(60_000, seed: 1820 + version);
        var id = await ietf.CreateOpenAsync(length: file.Length);
        using (var first = await ietf.AppendAsync(id, 0, file[..10_000], complete: false))
        {
            await HttpAssert.StatusAsync(first, HttpStatusCode.NoContent);
        }

        using var response = await ietf.AppendAsync(id, 25_000, file[25_000..], complete: true);

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.Conflict, "offset_mismatch");
        Assert.Equal(IetfClient.MismatchingOffset, problem.GetProperty("type").GetString());
        Assert.Equal(10_000, problem.GetProperty("expected-offset").GetInt64());
        Assert.Equal(25_000, problem.GetProperty("provided-offset").GetInt64());
        Assert.Equal("10000", IetfClient.Header(response, "Upload-Offset"));
        Assert.Equal("?0", IetfClient.Header(response, "Upload-Complete"));

        // Nothing moved: the client resumes from the offset it was given.
        using var resumed = await ietf.AppendAsync(id, 10_000, file[10_000..], complete: true);
        await HttpAssert.JsonAsync(resumed, HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Appending_to_a_completed_upload_is_400_completed_upload(int version)
    {
        var ietf = new IetfClient(gateway.Client, version);
        var file = TestData.RandomBytes(40_000, seed: 1830 + version);
        using var created = await ietf.CreateAsync(complete: true, file, headers: ("Content-Disposition", "attachment; filename=\"done.mp4\""));
        await HttpAssert.StatusAsync(created, HttpStatusCode.Created);

        using var response = await ietf.AppendAsync(TusClient.IdOf(created), file.Length, [1, 2, 3], complete: true);

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "upload_completed");
        Assert.Equal(IetfClient.CompletedUpload, problem.GetProperty("type").GetString());
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Bytes_beyond_the_upload_length_are_400_inconsistent_upload_length(int version)
    {
        var ietf = new IetfClient(gateway.Client, version);
        var id = await ietf.CreateOpenAsync(length: 10_000);

        using var response = await ietf.AppendAsync(id, 0, TestData.RandomBytes(12_000, seed: 1840), complete: false);

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "length_mismatch");
        Assert.Equal(IetfClient.InconsistentLength, problem.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData(6)]
    [InlineData(8)]
    public async Task From_interop_6_an_append_must_be_a_partial_upload(int version)
    {
        var ietf = new IetfClient(gateway.Client, version);
        var id = await ietf.CreateOpenAsync(length: 10_000);

        using var response = await ietf.AppendAsync(id, 0, TestData.RandomBytes(1_000, seed: 1850), complete: false, contentType: "application/octet-stream");

        await HttpAssert.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "partial_upload_required");
        using var head = await ietf.HeadAsync(id);
        Assert.Equal("0", IetfClient.Header(head, "Upload-Offset"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/octet-stream")]
    public async Task Interop_5_takes_an_append_of_any_content_type(string? contentType)
    {
        var ietf = new IetfClient(gateway.Client, 5);
        var id = await ietf.CreateOpenAsync(length: 10_000);

        using var response = await ietf.AppendAsync(id, 0, TestData.RandomBytes(1_000, seed: 1860), complete: false, contentType: contentType);

        await HttpAssert.StatusAsync(response, HttpStatusCode.NoContent);
        ietf.AssertState(response, 1_000, complete: false);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("-1")]
    [InlineData("ten")]
    public async Task An_append_needs_a_valid_upload_offset(string? offset)
    {
        var ietf = new IetfClient(gateway.Client, 8);
        var id = await ietf.CreateOpenAsync(length: 10_000);

        using var response = await ietf.SendAsync(
            HttpMethod.Patch, TusClient.PathOf(id), IetfClient.Body([1, 2], IetfClient.PartialUpload), ("Upload-Offset", offset), ("Upload-Complete", "?0"));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_upload_offset");
    }
}
