using System.Globalization;
using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Gateway.Tests.Tus;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Abuse;

/// <summary>
/// A gateway whose caller (the open-mode developer) may hold 1 MiB in unfinished uploads, with a free-space floor
/// <see cref="FloorMarginMegabytes"/> below what was free when it started: only a test's own ballast file crosses it.
/// </summary>
public sealed class QuotaGatewayFixture : GatewayFixture
{
    public const long CallerQuota = 1024 * 1024;

    /// <summary>How far other processes on this disk may move its free space while the table runs without changing a row's outcome.</summary>
    public const long FloorMarginMegabytes = 192;

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings()
    {
        var freeMegabytes = new DriveInfo(RootDirectory).AvailableFreeSpace / 1024 / 1024;
        return
        [
            new("Uploads:MaxUnfinishedBytesPerCaller", CallerQuota.ToString(CultureInfo.InvariantCulture)),
            new("Uploads:MinFreeDiskMegabytes", (freeMegabytes - FloorMarginMegabytes).ToString(CultureInfo.InvariantCulture)),
        ];
    }
}

/// <summary>
/// Disk abuse, row by row: over the caller's quota by every way of starting an upload (507 <c>quota_exceeded</c>), and
/// a write past the free-space floor (507 <c>insufficient_storage</c>). Each row checks that the upload already
/// accepted stays intact: it completes afterwards with the sha256 of the file sent.
/// </summary>
public sealed class QuotaTable(QuotaGatewayFixture gateway) : IClassFixture<QuotaGatewayFixture>
{
    private const int HeldSize = 768 * 1024;
    private const int OverQuotaSize = 512 * 1024;
    private readonly UploadsApiClient _api = gateway.Api;
    private Guid? _stoppedPartWay;

    public enum Route
    {
        SeedInitiate,
        TusCreation,
        TusCreationWithoutLength,
        LegacyForm,
        IetfCreation,
    }

    [Theory]
    [InlineData(Route.SeedInitiate)]
    [InlineData(Route.TusCreation)]
    [InlineData(Route.TusCreationWithoutLength)]
    [InlineData(Route.LegacyForm)]
    [InlineData(Route.IetfCreation)]
    public async Task Past_the_callers_quota_is_507_quota_exceeded_and_the_held_upload_stays_intact(Route route)
    {
        var held = TestData.RandomBytes(HeldSize, seed: 90 + (int)route);
        var upload = await _api.StartAsync("held.mp4", held.Length);
        await _api.PutChunkOkAsync(upload, held, 0);

        using var refused = await StartOverQuotaAsync(route, TestData.RandomBytes(OverQuotaSize, seed: 80));

        await HttpAssert.ProblemAsync(refused, HttpStatusCode.InsufficientStorage, "quota_exceeded");
        await FinishAsync(upload, held);
        if (_stoppedPartWay is { } stopped)
        {
            // Its stored bytes still count until it ends; end it so the next row starts from an empty quota.
            using var terminated = await new TusClient(gateway.Client).SendAsync(HttpMethod.Delete, TusClient.PathOf(stopped), null);
            Assert.Equal(HttpStatusCode.NoContent, terminated.StatusCode);
        }
    }

    [Fact]
    public async Task A_write_past_the_free_space_floor_is_507_insufficient_storage_and_resumes_once_space_is_free()
    {
        var file = TestData.RandomBytes(8 * GatewayFixture.ChunkSize, seed: 70);
        var upload = await _api.StartAsync("floor.mp4", file.Length);
        await _api.PutChunkOkAsync(upload, file, 0);

        // Ballast twice the margin: free space ends up FloorMarginMegabytes below the floor.
        var ballast = Path.Combine(gateway.RootDirectory, "ballast");
        await WriteBallastAsync(ballast, 2 * QuotaGatewayFixture.FloorMarginMegabytes * 1024 * 1024);
        try
        {
            // Chunks sent before the store's free-space reading (cached for a second) sees the ballast may land; then 507.
            var chunk = 1;
            await Eventually.WaitUntilAsync(async () =>
            {
                using var response = await SendChunkAsync(upload, file, chunk);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    chunk++;
                    Assert.True(chunk < upload.TotalChunks, "every chunk was stored although the disk is past its floor");
                    return false;
                }

                await HttpAssert.ProblemAsync(response, HttpStatusCode.InsufficientStorage, "insufficient_storage");
                return true;
            }, "a chunk refused at the free-space floor");

            var status = await _api.GetStatusOkAsync(upload.UploadId);
            Assert.Contains(chunk, HttpAssert.IntArray(status.GetProperty("missingChunks")));

            // An operator sees why: storage is degraded (not down: downloads still work), with the numbers.
            await Eventually.WaitUntilAsync(async () => (await StorageHealthAsync()).GetProperty("status").GetString() == "degraded", "/health reporting storage below its floor");
            var data = (await StorageHealthAsync()).GetProperty("data");
            Assert.True(data.GetProperty("freeBytes").GetInt64() < data.GetProperty("floorBytes").GetInt64());

            // A balancer sees it too: the gateway is not ready for uploads.
            using var notReady = await gateway.Client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        }
        finally
        {
            File.Delete(ballast);
        }

        // Space is free again: the refused chunk goes through once the reading is renewed, then the rest.
        var resumeFrom = HttpAssert.IntArray((await _api.GetStatusOkAsync(upload.UploadId)).GetProperty("missingChunks")).Min();
        await Eventually.WaitUntilAsync(async () =>
        {
            using var response = await SendChunkAsync(upload, file, resumeFrom);
            return response.StatusCode == HttpStatusCode.OK;
        }, "the refused chunk stored after the ballast is gone");
        await FinishAsync(upload, file);
        await Eventually.WaitUntilAsync(async () => (await StorageHealthAsync()).GetProperty("status").GetString() == "healthy", "/health reporting storage healthy again");
        await Eventually.WaitUntilAsync(async () =>
        {
            using var ready = await gateway.Client.GetAsync("/health/ready");
            return ready.StatusCode == HttpStatusCode.OK;
        }, "/health/ready answering 200 again");
    }

    private async Task<System.Text.Json.JsonElement> StorageHealthAsync() =>
        (await _api.GetOkAsync("/health")).GetProperty("checks").GetProperty("storage");

    private async Task<HttpResponseMessage> StartOverQuotaAsync(Route route, byte[] file)
    {
        var tus = new TusClient(gateway.Client);
        var size = file.Length.ToString(CultureInfo.InvariantCulture);
        switch (route)
        {
            case Route.SeedInitiate:
                return await _api.SendInitiateAsync(new InitiateRequest("over.mp4", file.Length, null, null, null, null));
            case Route.TusCreation:
                return await tus.SendAsync(HttpMethod.Post, "/files/", null, ("Upload-Length", size), ("Upload-Metadata", TusClient.VideoMetadata));
            case Route.TusCreationWithoutLength:
                // The length is unknown, so the bytes are counted as they arrive: the quota stops them part-way.
                using (var created = await tus.SendAsync(HttpMethod.Post, "/files/", null, ("Upload-Defer-Length", "1"), ("Upload-Metadata", TusClient.VideoMetadata)))
                {
                    Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                    _stoppedPartWay = TusClient.IdOf(created);
                    return await tus.SendAsync(HttpMethod.Patch, TusClient.PathOf(_stoppedPartWay.Value), TusClient.Body(file), ("Upload-Offset", "0"));
                }

            case Route.IetfCreation:
                // The whole file in the creation request: its length is known up front and refused before any byte.
                return await new Ietf.IetfClient(gateway.Client, 8).CreateAsync(complete: true, file, headers: ("Upload-Metadata", TusClient.VideoMetadata));

            default:
                return await _api.SendLegacyUploadAsync("over.mp4", file);
        }
    }

    private Task<HttpResponseMessage> SendChunkAsync(InitiateReply upload, byte[] file, int chunk)
    {
        var bytes = upload.ChunkOf(file, chunk);
        return _api.SendChunkAsync(upload.UploadId, chunk, bytes, TestData.Sha256Hex(bytes));
    }

    /// <summary>Sends every chunk still missing and completes: the video's sha256 must be the file's.</summary>
    private async Task FinishAsync(InitiateReply upload, byte[] file)
    {
        var missing = HttpAssert.IntArray((await _api.GetStatusOkAsync(upload.UploadId)).GetProperty("missingChunks"));
        foreach (var chunk in missing)
        {
            await _api.PutChunkOkAsync(upload, file, chunk);
        }

        var status = await _api.GetStatusOkAsync(upload.UploadId);
        Assert.Equal("completed", status.GetProperty("status").GetString());
        Assert.Equal(TestData.Sha256Hex(file), status.GetProperty("fileHash").GetString());
    }

    private static async Task WriteBallastAsync(string path, long bytes)
    {
        await using var ballast = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        var block = new byte[4 * 1024 * 1024];
        Array.Fill(block, (byte)0x5A);
        for (long written = 0; written < bytes; written += block.Length)
        {
            await ballast.WriteAsync(block);
        }

        ballast.Flush(flushToDisk: true);
    }
}
