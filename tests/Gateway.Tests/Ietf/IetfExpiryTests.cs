using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Gateway.Tests.Tus;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Ietf;

/// <summary>
/// Expiry is tus's: an upload idle for Uploads:UploadTimeout (one second on this gateway) is gone, its bytes removed; the
/// draft's Upload-Limit max-age said so beforehand, and the upload then answers 404 (upload_expired) as the draft says
/// of an upload that is no longer active.
/// </summary>
public sealed class IetfExpiryTests(ExpiringGatewayFixture expiring) : IClassFixture<ExpiringGatewayFixture>
{
    [Fact]
    public async Task An_idle_upload_expires_within_its_max_age_and_is_then_404()
    {
        var ietf = new IetfClient(expiring.Client, 8);
        var file = TestData.RandomBytes(2000, seed: 1980);
        using var created = await ietf.CreateAsync(complete: false, file[..500], headers: [("Upload-Length", "2000"), ("Content-Disposition", "attachment; filename=\"idle.mp4\"")]);
        await HttpAssert.StatusAsync(created, HttpStatusCode.Created);
        var id = TusClient.IdOf(created);
        IetfClient.AssertLimit(created, expiring.UploadTimeout);
        Assert.True(File.Exists(expiring.TempFileOf(id)));

        await Eventually.WaitUntilAsync(
            async () =>
            {
                using var head = await ietf.HeadAsync(id);
                return head.StatusCode == HttpStatusCode.NotFound;
            },
            "the upload to expire",
            TimeSpan.FromSeconds(20));

        using var append = await ietf.AppendAsync(id, 500, file[500..], complete: true);
        await HttpAssert.ProblemAsync(append, HttpStatusCode.NotFound, "upload_expired");
        Assert.False(File.Exists(expiring.TempFileOf(id)));
    }
}
