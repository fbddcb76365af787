using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Gateway.Tests.Tus;
using Orleans.Uploads.Harness;
using Orleans.Uploads.TestSupport;

namespace Orleans.Uploads.Gateway.Tests.Ietf;

/// <summary>
/// A new request for an upload ends the one still in flight (the draft's concurrency advice, our append lease): a PATCH
/// hangs mid-body, the client asks where it stands (HEAD) and appends from there; the stale request, when its bytes
/// finally arrive, is refused (409 append_superseded) and writes nothing.
/// </summary>
public sealed class IetfStaleRequestTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const int Chunk = GatewayFixture.ChunkSize;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Head_and_a_new_append_take_over_from_a_stuck_append()
    {
        var ietf = new IetfClient(gateway.Client, 8);
        var file = TestData.RandomBytes((4 * Chunk) + 1000, seed: 1950);
        var id = await ietf.CreateOpenAsync(length: file.Length);

        // Its bytes after the pause are not the file's: any of them landing would show in the download.
        var stallAt = Chunk + 5000;
        var staleBody = file.ToArray();
        TestData.RandomBytes(staleBody.Length - stallAt, seed: 1951).CopyTo(staleBody, stallAt);
        var stale = new PausingContent(staleBody, stallAt, IetfClient.PartialUpload);
        var staleResponse = ietf.SendAsync(HttpMethod.Patch, TusClient.PathOf(id), stale, ("Upload-Offset", "0"), ("Upload-Complete", "?1"));
        await stale.Paused.WaitAsync(Patience);
        await Eventually.WaitUntilAsync(
            async () => (await gateway.Api.GetStatusOkAsync(id)).GetProperty("uploadedBytes").GetInt64() == Chunk, "the first piece to be committed", Patience);

        using (var head = await ietf.HeadAsync(id))
        {
            await HttpAssert.StatusAsync(head, HttpStatusCode.NoContent);
            ietf.AssertState(head, Chunk, complete: false);
        }

        using (var takeover = await ietf.AppendAsync(id, Chunk, file[Chunk..(3 * Chunk)], complete: false))
        {
            await HttpAssert.StatusAsync(takeover, HttpStatusCode.NoContent);
            ietf.AssertState(takeover, 3 * Chunk, complete: false);
        }

        stale.Resume();
        using (var superseded = await staleResponse.WaitAsync(Patience))
        {
            await HttpAssert.ProblemAsync(superseded, HttpStatusCode.Conflict, "append_superseded");
        }

        using var last = await ietf.AppendAsync(id, 3 * Chunk, file[(3 * Chunk)..], complete: true);
        await HttpAssert.StatusAsync(last, HttpStatusCode.OK);
        Assert.Equal(file, await gateway.Client.GetByteArrayAsync(new Uri(TusClient.PathOf(id), UriKind.Relative)));
    }
}
