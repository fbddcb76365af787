using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Tus;

/// <summary>
/// tus expiration: unfinished uploads carry Upload-Expires (an RFC 9110 date, in the future) on POST, PATCH and HEAD;
/// once it has passed the upload is gone (410). The second gateway expires uploads after one idle second.
/// </summary>
public sealed class TusExpirationTests(GatewayFixture gateway, ExpiringGatewayFixture expiring)
    : IClassFixture<GatewayFixture>, IClassFixture<ExpiringGatewayFixture>
{
    private readonly TusClient _tus = new(gateway.Client);

    [Fact]
    public async Task Unfinished_upload_carries_upload_expires_on_post_patch_and_head()
    {
        var file = TestData.RandomBytes(3000, seed: 1501);
        var start = DateTimeOffset.UtcNow;

        using var created = await _tus.CreateAsync(("Upload-Length", "3000"), ("Upload-Metadata", TusClient.VideoMetadata));
        var id = await TusClient.AssertCreatedAsync(created);
        var onPost = TusClient.ExpiresOf(created);

        using var patched = await _tus.PatchAsync(id, 0, file[..1000]);
        await HttpAssert.StatusAsync(patched, HttpStatusCode.NoContent);
        var onPatch = TusClient.ExpiresOf(patched);

        using var head = await _tus.HeadOkAsync(id);
        var onHead = TusClient.ExpiresOf(head);

        // The header has whole seconds; the gateway's timeout is an hour.
        foreach (var expires in new[] { onPost, onPatch, onHead })
        {
            Assert.InRange(expires, start + gateway.UploadTimeout - TimeSpan.FromSeconds(1), DateTimeOffset.UtcNow + gateway.UploadTimeout);
        }

        Assert.True(onPatch >= onPost, "activity never brings the expiry forward");
    }

    [Fact]
    public async Task Creation_with_upload_answers_upload_expires()
    {
        using var created = await _tus.CreateAsync(
            TusClient.Body(TestData.RandomBytes(10, seed: 1502)), ("Upload-Length", "20"), ("Upload-Metadata", TusClient.VideoMetadata));

        await TusClient.AssertCreatedAsync(created);
        Assert.True(TusClient.ExpiresOf(created) > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Expired_upload_is_gone_and_its_bytes_removed()
    {
        var tus = new TusClient(expiring.Client);
        var file = TestData.RandomBytes(2000, seed: 1503);
        using var created = await tus.CreateAsync(TusClient.Body(file[..500]), ("Upload-Length", "2000"), ("Upload-Metadata", TusClient.VideoMetadata));
        var id = await TusClient.AssertCreatedAsync(created);
        var expires = TusClient.ExpiresOf(created);
        var temp = expiring.TempFileOf(id);
        Assert.True(File.Exists(temp));

        await Eventually.WaitUntilAsync(
            async () =>
            {
                using var head = await tus.HeadAsync(id);
                return head.StatusCode == HttpStatusCode.Gone;
            },
            "the upload to expire",
            TimeSpan.FromSeconds(20));

        // Upload-Expires (whole seconds) had passed by the time the upload was gone.
        Assert.True(DateTimeOffset.UtcNow >= expires, $"gone at {DateTimeOffset.UtcNow:O}, before its Upload-Expires {expires:O}");
        Assert.False(File.Exists(temp));
        using (var head = await tus.HeadAsync(id))
        {
            await HttpAssert.StatusAsync(head, HttpStatusCode.Gone);
            TusClient.AssertTus(head);
        }

        using (var patch = await tus.PatchAsync(id, 500, file[500..]))
        {
            await HttpAssert.ProblemAsync(patch, HttpStatusCode.Gone, "upload_expired");
            TusClient.AssertTus(patch);
            Assert.False(TusClient.HasHeader(patch, "Upload-Expires"));
        }

        using var download = await tus.Http.GetAsync(new Uri(TusClient.PathOf(id), UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, download.StatusCode);
    }
}
