using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;

namespace Orleans.Uploads.Gateway.Tests.Ietf;

/// <summary>
/// Offset retrieval per the draft, at each interop version: HEAD on the upload answers 204 with Upload-Offset,
/// Upload-Complete, Upload-Length once known, Upload-Limit while it takes bytes, and Cache-Control: no-store.
/// </summary>
public sealed class IetfOffsetRetrievalTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    public static TheoryData<int> Versions => [5, 6, 8];

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Head_reports_offset_completeness_length_and_limits_and_forbids_caching(int version)
    {
        var ietf = new IetfClient(gateway.Client, version);
        var id = await ietf.CreateOpenAsync(length: 50_000);
        using (var appended = await ietf.AppendAsync(id, 0, TestData.RandomBytes(20_000, seed: 1700 + version), complete: false))
        {
            await HttpAssert.StatusAsync(appended, HttpStatusCode.NoContent);
        }

        using var head = await ietf.HeadAsync(id);

        await HttpAssert.StatusAsync(head, HttpStatusCode.NoContent);
        ietf.AssertState(head, 20_000, complete: false);
        Assert.Equal("50000", IetfClient.Header(head, "Upload-Length"));
        Assert.Equal("no-store", IetfClient.Header(head, "Cache-Control"));
        IetfClient.AssertLimit(head, gateway.UploadTimeout);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Head_of_an_upload_without_a_length_leaves_upload_length_out(int version)
    {
        var ietf = new IetfClient(gateway.Client, version);
        var id = await ietf.CreateOpenAsync();

        using var head = await ietf.HeadAsync(id);

        await HttpAssert.StatusAsync(head, HttpStatusCode.NoContent);
        ietf.AssertState(head, 0, complete: false);
        Assert.Null(IetfClient.Header(head, "Upload-Length"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Head_of_a_completed_upload_says_it_is_complete(int version)
    {
        var ietf = new IetfClient(gateway.Client, version);
        var file = TestData.RandomBytes(30_000, seed: 1710 + version);
        var id = await ietf.CreateOpenAsync();
        using (var last = await ietf.AppendAsync(id, 0, file, complete: true))
        {
            await HttpAssert.StatusAsync(last, HttpStatusCode.OK);
        }

        using var head = await ietf.HeadAsync(id);

        await HttpAssert.StatusAsync(head, HttpStatusCode.NoContent);
        ietf.AssertState(head, file.Length, complete: true);
        Assert.Equal("30000", IetfClient.Header(head, "Upload-Length"));
        Assert.Null(IetfClient.Header(head, "Upload-Limit"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Head_of_an_unknown_upload_is_404(int version)
    {
        var ietf = new IetfClient(gateway.Client, version);

        using var head = await ietf.HeadAsync(Guid.NewGuid());

        await HttpAssert.StatusAsync(head, HttpStatusCode.NotFound);
    }
}
