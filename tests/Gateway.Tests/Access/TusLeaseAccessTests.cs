// Why this exists: a tus HEAD or PATCH takes an upload over from the PATCH running on it (that is how a client resumes).
// Access is checked before the route reaches the session, so a request that is not allowed must never do that: the
// owner's running PATCH goes on and its bytes all arrive.

using System.Globalization;
using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Gateway.Tests.Tus;
using Orleans.Uploads.Harness;
using Orleans.Uploads.TestSupport;

namespace Orleans.Uploads.Gateway.Tests.Access;

public sealed class TusLeaseAccessTests(AccessGatewayFixture gateway) : IClassFixture<AccessGatewayFixture>
{
    private const int Chunk = GatewayFixture.ChunkSize;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    public static TheoryData<string> Intruders => ["another project's key", "another upload's token", "no credential"];

    [Theory]
    [MemberData(nameof(Intruders))]
    public async Task Refused_head_and_patch_do_not_take_over_the_owners_running_patch(string intruder)
    {
        using var owner = new Owner(gateway);
        var file = TestData.RandomBytes((4 * Chunk) + 1000, seed: 7101);
        var upload = await owner.StartTusAsync(file, sent: 0);
        var other = await owner.StartTusAsync(Owner.NewFile(100), sent: 0);
        using var intruderClient = intruder switch
        {
            "another project's key" => gateway.ClientWithBearer(gateway.OtherKey),
            "another upload's token" => gateway.ClientWithUploadToken(other.Token),
            _ => gateway.CreateClient(),
        };
        var refusal = intruder == "no credential" ? HttpStatusCode.Unauthorized : HttpStatusCode.NotFound;
        var intruderTus = new TusClient(intruderClient);

        // The owner's PATCH sends its first piece and 5000 bytes more, then hangs: it holds the upload's append lease.
        var body = new PausingContent(file, Chunk + 5000, TusClient.OffsetOctetStream);
        var running = owner.Tus.PatchAsync(TusClient.PathOf(upload.Id), body, ("Upload-Offset", "0"));
        await body.Paused.WaitAsync(Patience);
        await Eventually.WaitUntilAsync(
            async () => (await owner.Api.GetStatusOkAsync(upload.Id)).GetProperty("uploadedBytes").GetInt64() == Chunk,
            "the owner's first piece to be committed",
            Patience);

        using (var head = await intruderTus.HeadAsync(upload.Id))
        {
            Assert.Equal(refusal, head.StatusCode);
        }

        using (var patch = await intruderTus.PatchAsync(upload.Id, Chunk, TestData.RandomBytes(Chunk, seed: 7102)))
        {
            Assert.Equal(refusal, patch.StatusCode);
        }

        Assert.False(running.IsCompleted, "the owner's PATCH ended while its body was still held back");
        body.Resume();
        using (var finished = await running.WaitAsync(Patience))
        {
            await HttpAssert.StatusAsync(finished, HttpStatusCode.NoContent);
            Assert.Equal(file.Length.ToString(CultureInfo.InvariantCulture), TusClient.Header(finished, "Upload-Offset"));
        }

        await owner.AssertStoredAsync(upload.Id, TestData.Sha256Hex(file));
    }
}
