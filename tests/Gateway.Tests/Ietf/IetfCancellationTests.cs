using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;

namespace Orleans.Uploads.Gateway.Tests.Ietf;

/// <summary>Upload cancellation per the draft, at each interop version: DELETE answers 204, and the upload is gone (404) after.</summary>
public sealed class IetfCancellationTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    public static TheoryData<int> Versions => [5, 6, 8];

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Delete_cancels_the_upload_and_it_is_gone_after(int version)
    {
        var ietf = new IetfClient(gateway.Client, version);
        var id = await ietf.CreateOpenAsync(length: 10_000);
        using (var appended = await ietf.AppendAsync(id, 0, TestData.RandomBytes(2_000, seed: 1900), complete: false))
        {
            await HttpAssert.StatusAsync(appended, HttpStatusCode.NoContent);
        }

        using var deleted = await ietf.DeleteAsync(id);

        await HttpAssert.StatusAsync(deleted, HttpStatusCode.NoContent);
        using var head = await ietf.HeadAsync(id);
        await HttpAssert.StatusAsync(head, HttpStatusCode.NotFound);
        using var append = await ietf.AppendAsync(id, 2_000, [1, 2, 3], complete: false);
        await HttpAssert.ProblemAsync(append, HttpStatusCode.NotFound, "upload_cancelled");
        Assert.False(File.Exists(gateway.TempFileOf(id)));
    }

    [Fact]
    public async Task Delete_of_an_unknown_upload_is_404()
    {
        using var deleted = await new IetfClient(gateway.Client, 8).DeleteAsync(Guid.NewGuid());

        await HttpAssert.ProblemAsync(deleted, HttpStatusCode.NotFound, "upload_not_found");
    }
}
