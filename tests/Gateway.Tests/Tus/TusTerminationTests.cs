using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;
using Orleans.Uploads.TestSupport;

namespace Orleans.Uploads.Gateway.Tests.Tus;

/// <summary>tus termination: DELETE ends an unfinished upload (204) or removes a finished one with its video, frees its bytes, and the URL is gone afterwards.</summary>
public sealed class TusTerminationTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private readonly TusClient _tus = new(gateway.Client);
    private readonly UploadsApiClient _api = gateway.Api;

    [Fact]
    public async Task Delete_terminates_the_upload_and_frees_its_bytes()
    {
        var file = TestData.RandomBytes(5000, seed: 1701);
        var id = await _tus.CreateOkAsync(file.Length);
        await _tus.PatchOkAsync(id, 0, file[..2000]);
        var temp = gateway.TempFileOf(id);
        Assert.True(File.Exists(temp), $"expected the upload's temp file {temp}");

        using (var deleted = await _tus.DeleteAsync(id))
        {
            await HttpAssert.StatusAsync(deleted, HttpStatusCode.NoContent);
            TusClient.AssertTus(deleted);
            Assert.Empty(await deleted.Content.ReadAsByteArrayAsync());
        }

        Assert.False(File.Exists(temp));
        using (var head = await _tus.HeadAsync(id))
        {
            AssertGone(head);
            TusClient.AssertTus(head);
            Assert.False(TusClient.HasHeader(head, "Upload-Offset"));
        }

        using (var patch = await _tus.PatchAsync(id, 2000, file[2000..]))
        {
            AssertGone(patch);
            TusClient.AssertTus(patch);
        }

        Assert.False(File.Exists(temp));
        Assert.Equal("cancelled", (await _api.GetStatusOkAsync(id)).GetProperty("status").GetString());
        using var download = await _tus.Http.GetAsync(new Uri(TusClient.PathOf(id), UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, download.StatusCode);
    }

    [Fact]
    public async Task Delete_ends_a_stuck_patch_whose_late_bytes_are_refused()
    {
        const int Chunk = GatewayFixture.ChunkSize;
        var file = TestData.RandomBytes(3 * Chunk, seed: 1703);
        var id = await _tus.CreateOkAsync(file.Length);
        var stuck = new PausingContent(file, pauseAt: Chunk + 100, TusClient.OffsetOctetStream);
        var stuckResponse = _tus.PatchAsync(TusClient.PathOf(id), stuck, ("Upload-Offset", "0"));
        await stuck.Paused.WaitAsync(TimeSpan.FromSeconds(15));
        await Eventually.WaitUntilAsync(
            async () => (await _api.GetStatusOkAsync(id)).GetProperty("uploadedBytes").GetInt64() == Chunk,
            "the stuck request's first piece to be committed",
            TimeSpan.FromSeconds(15));

        using (var deleted = await _tus.DeleteAsync(id))
        {
            await HttpAssert.StatusAsync(deleted, HttpStatusCode.NoContent);
        }

        Assert.False(File.Exists(gateway.TempFileOf(id)));
        stuck.Resume();
        using (var late = await stuckResponse.WaitAsync(TimeSpan.FromSeconds(15)))
        {
            AssertGone(late);
        }

        Assert.False(File.Exists(gateway.TempFileOf(id)), "the late bytes must not bring the temp file back");
        using var head = await _tus.HeadAsync(id);
        AssertGone(head);
    }

    [Fact]
    public async Task Delete_of_an_upload_without_bytes_frees_its_reserved_file()
    {
        var id = await _tus.CreateOkAsync(3000);
        Assert.True(File.Exists(gateway.TempFileOf(id)));

        using var deleted = await _tus.DeleteAsync(id);

        await HttpAssert.StatusAsync(deleted, HttpStatusCode.NoContent);
        Assert.False(File.Exists(gateway.TempFileOf(id)));
    }

    /// <summary>"For all future requests to this URL, the Server SHOULD respond with the 404 Not Found or 410 Gone status."</summary>
    [Fact]
    public async Task Delete_of_a_terminated_upload_is_gone()
    {
        var id = await _tus.CreateOkAsync(3000);
        using (var first = await _tus.DeleteAsync(id))
        {
            await HttpAssert.StatusAsync(first, HttpStatusCode.NoContent);
        }

        using var second = await _tus.DeleteAsync(id);

        AssertGone(second);
    }

    /// <summary>
    /// tus 1.0 answers a DELETE of an existing upload with 204 and tusd removes finished ones too; tus-js-client retries
    /// a 409, so <c>abort(true)</c> after a finished upload used to fail after five retries. The video goes with it.
    /// </summary>
    [Fact]
    public async Task Delete_of_a_completed_upload_removes_it_and_its_video()
    {
        var file = TestData.RandomBytes(1500, seed: 1702);
        var id = await _tus.CreateOkAsync(file.Length);
        await _tus.PatchOkAsync(id, 0, file);
        var stored = Path.Combine(gateway.FinalDirectory, TestData.StorageKey(id));
        Assert.True(File.Exists(stored));

        using (var deleted = await _tus.DeleteAsync(id))
        {
            await HttpAssert.StatusAsync(deleted, HttpStatusCode.NoContent);
            TusClient.AssertTus(deleted);
        }

        Assert.False(File.Exists(stored));
        using (var head = await _tus.HeadAsync(id))
        {
            await HttpAssert.ProblemAsync(head, HttpStatusCode.NotFound, "upload_not_found");
        }

        using (var download = await _tus.Http.GetAsync(new Uri(TusClient.PathOf(id), UriKind.Relative)))
        {
            await HttpAssert.ProblemAsync(download, HttpStatusCode.NotFound, "video_not_found");
        }

        using (var record = await _tus.Http.GetAsync(new Uri($"/api/videos/{id}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, record.StatusCode);
        }

        var listed = await _tus.Http.GetStringAsync(new Uri("/api/videos?projectId=default", UriKind.Relative));
        Assert.DoesNotContain(id.ToString(), listed, StringComparison.OrdinalIgnoreCase);
        using var again = await _tus.DeleteAsync(id);
        await HttpAssert.ProblemAsync(again, HttpStatusCode.NotFound, "upload_not_found");
    }

    [Fact]
    public async Task Delete_of_an_unknown_upload_is_404()
    {
        foreach (var path in new[] { TusClient.PathOf(Guid.NewGuid()), "/files/nope" })
        {
            using var response = await _tus.SendAsync(HttpMethod.Delete, path, null);

            await HttpAssert.ProblemAsync(response, HttpStatusCode.NotFound, "upload_not_found");
            TusClient.AssertTus(response);
        }
    }

    private static void AssertGone(HttpResponseMessage response) =>
        Assert.True(
            response.StatusCode is HttpStatusCode.Gone or HttpStatusCode.NotFound,
            $"expected 410 Gone or 404 Not Found for a terminated upload, got {(int)response.StatusCode} {response.StatusCode}");
}
