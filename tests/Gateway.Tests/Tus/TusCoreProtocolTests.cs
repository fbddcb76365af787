using System.Globalization;
using System.Net;
using System.Text.Json;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Tus;

/// <summary>
/// tus 1.0.0 core protocol at /files/: OPTIONS discovery, HEAD, PATCH, Tus-Resumable version negotiation (412),
/// X-HTTP-Method-Override, offsets that never move back, and a tus upload being a video like any other.
/// </summary>
public sealed class TusCoreProtocolTests(GatewayFixture gateway, ExpiringGatewayFixture expiring, TusStatisticsGatewayFixture statisticsGateway)
    : IClassFixture<GatewayFixture>, IClassFixture<ExpiringGatewayFixture>, IClassFixture<TusStatisticsGatewayFixture>
{
    private const int Chunk = GatewayFixture.ChunkSize;
    private readonly TusClient _tus = new(gateway.Client);
    private readonly UploadsApiClient _api = gateway.Api;

    [Theory]
    [InlineData("/files/")]
    [InlineData("/files/0123456789abcdef0123456789abcdef")]
    public async Task Options_advertises_version_extensions_max_size_and_checksum_algorithms_without_tus_resumable(string path)
    {
        using var response = await _tus.OptionsAsync(path, ("Tus-Resumable", null));

        await HttpAssert.StatusAsync(response, HttpStatusCode.NoContent);
        TusClient.AssertTus(response);
        Assert.Equal("1.0.0", TusClient.Header(response, "Tus-Version"));
        Assert.Equal(
            TusClient.Extensions.Split(',').Order(StringComparer.Ordinal),
            TusClient.Header(response, "Tus-Extension")!.Split(',').Select(e => e.Trim()).Order(StringComparer.Ordinal));
        Assert.Equal(GatewayFixture.MaxFileSize.ToString(CultureInfo.InvariantCulture), TusClient.Header(response, "Tus-Max-Size"));
        Assert.Equal(
            new[] { "md5", "sha1", "sha256" },
            TusClient.Header(response, "Tus-Checksum-Algorithm")!.Split(',').Select(a => a.Trim()).Order(StringComparer.Ordinal));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Options_with_tus_resumable_answers_the_same()
    {
        using var response = await _tus.OptionsAsync();

        await HttpAssert.StatusAsync(response, HttpStatusCode.NoContent);
        Assert.Equal("1.0.0", TusClient.Header(response, "Tus-Version"));
        Assert.NotNull(TusClient.Header(response, "Tus-Extension"));
    }

    [Fact]
    public async Task Head_reports_offset_length_metadata_expiry_and_forbids_caching()
    {
        var file = TestData.RandomBytes(3000, seed: 1101);
        var metadata = TusClient.Metadata(("filename", "head.mp4"), ("filetype", "video/mp4"), ("is_confidential", null));
        var id = await _tus.CreateOkAsync(file.Length, metadata);

        using (var fresh = await _tus.HeadOkAsync(id))
        {
            Assert.Equal("0", TusClient.Header(fresh, "Upload-Offset"));
            Assert.Equal("3000", TusClient.Header(fresh, "Upload-Length"));
            Assert.Equal(metadata, TusClient.Header(fresh, "Upload-Metadata"));
            Assert.True(fresh.Headers.CacheControl?.NoStore, $"Cache-Control: {fresh.Headers.CacheControl}");
            Assert.False(TusClient.HasHeader(fresh, "Upload-Defer-Length"));
            Assert.False(TusClient.HasHeader(fresh, "Upload-Concat"));
            TusClient.ExpiresOf(fresh);
            Assert.Empty(await fresh.Content.ReadAsByteArrayAsync());
        }

        await _tus.PatchOkAsync(id, 0, file[..1200]);

        using var head = await _tus.HeadOkAsync(id);
        Assert.Equal("1200", TusClient.Header(head, "Upload-Offset"));
        Assert.Equal("3000", TusClient.Header(head, "Upload-Length"));
        Assert.True(head.Headers.CacheControl?.NoStore);
    }

    [Theory]
    [InlineData("/files/00000000000000000000000000000001")]
    [InlineData("/files/not-a-guid")]
    [InlineData("/files/..%2F..%2Fetc%2Fpasswd")]
    public async Task Head_of_an_unknown_upload_is_404(string path)
    {
        using var response = await _tus.HeadAsync(path);

        await HttpAssert.StatusAsync(response, HttpStatusCode.NotFound);
        TusClient.AssertTus(response);
        Assert.False(TusClient.HasHeader(response, "Upload-Offset"));
    }

    [Fact]
    public async Task Patch_appends_at_the_offset_and_answers_the_new_offset()
    {
        var file = TestData.RandomBytes(5000, seed: 1102);
        var id = await _tus.CreateOkAsync(file.Length);

        using var response = await _tus.PatchAsync(id, 0, file[..2000]);

        await HttpAssert.StatusAsync(response, HttpStatusCode.NoContent);
        TusClient.AssertTus(response);
        Assert.Equal("2000", TusClient.Header(response, "Upload-Offset"));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(2000, await _tus.OffsetAsync(id));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(1001)]
    [InlineData(4000)]
    public async Task Patch_at_another_offset_than_the_stored_one_is_409(long offset)
    {
        var file = TestData.RandomBytes(5000, seed: 1103);
        var id = await _tus.CreateOkAsync(file.Length);
        await _tus.PatchOkAsync(id, 0, file[..1000]);

        using var response = await _tus.PatchAsync(id, offset, file[(int)offset..(int)(offset + 500)]);

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.Conflict, "offset_mismatch");
        TusClient.AssertTus(response);
        Assert.Equal(1000, problem.GetProperty("uploadOffset").GetInt64());
        Assert.Equal(1000, await _tus.OffsetAsync(id));
    }

    [Theory]
    [InlineData("application/octet-stream")]
    [InlineData("text/plain")]
    [InlineData("application/offset+octet-stream-not")]
    [InlineData(null)]
    public async Task Patch_whose_content_type_is_not_offset_octet_stream_is_415(string? contentType)
    {
        var id = await _tus.CreateOkAsync(100);
        var content = new ByteArrayContent(TestData.RandomBytes(100, seed: 1104));
        if (contentType is not null)
        {
            content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await _tus.PatchAsync(TusClient.PathOf(id), content, ("Upload-Offset", "0"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        TusClient.AssertTus(response);
        Assert.Equal(0, await _tus.OffsetAsync(id));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("0x10")]
    [InlineData("99999999999999999999999")]
    public async Task Patch_without_a_valid_upload_offset_is_400(string? offset)
    {
        var id = await _tus.CreateOkAsync(100);

        using var response = await _tus.PatchAsync(TusClient.PathOf(id), TusClient.Body(TestData.RandomBytes(100, seed: 1105)), ("Upload-Offset", offset));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_upload_offset");
        TusClient.AssertTus(response);
        Assert.Equal(0, await _tus.OffsetAsync(id));
    }

    public static TheoryData<string, string?> UnsupportedVersions()
    {
        var data = new TheoryData<string, string?>();
        foreach (var method in new[] { "POST", "HEAD", "PATCH", "DELETE" })
        {
            foreach (var version in new[] { null, "0.2.2", "1.0", "2.0.0", "" })
            {
                data.Add(method, version);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(UnsupportedVersions))]
    public async Task Request_without_tus_resumable_1_0_0_is_412_with_tus_version(string method, string? version)
    {
        var id = await _tus.CreateOkAsync(100);
        var path = method == "POST" ? "/files/" : TusClient.PathOf(id);
        var body = method is "POST" or "PATCH" ? TusClient.Body(TestData.RandomBytes(100, seed: 1106)) : null;

        using var response = await _tus.SendAsync(
            new HttpMethod(method), path, body, ("Tus-Resumable", version), ("Upload-Offset", "0"), ("Upload-Length", "100"), ("Upload-Metadata", TusClient.VideoMetadata));

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal("1.0.0", TusClient.Header(response, "Tus-Version"));
        TusClient.AssertTus(response);

        // Nothing happened: the upload is untouched and not terminated.
        using var head = await _tus.HeadOkAsync(id);
        Assert.Equal("0", TusClient.Header(head, "Upload-Offset"));
    }

    [Theory]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task Request_for_an_unknown_upload_is_404(string method)
    {
        foreach (var path in new[] { TusClient.PathOf(Guid.NewGuid()), "/files/not-a-guid" })
        {
            using var response = await _tus.SendAsync(new HttpMethod(method), path, TusClient.Body([1, 2, 3]), ("Upload-Offset", "0"));

            await HttpAssert.ProblemAsync(response, HttpStatusCode.NotFound, "upload_not_found");
            TusClient.AssertTus(response);
        }
    }

    [Fact]
    public async Task Terminated_upload_is_gone_for_head_and_patch()
    {
        var file = TestData.RandomBytes(3000, seed: 1107);
        var id = await _tus.CreateOkAsync(file.Length);
        await _tus.PatchOkAsync(id, 0, file[..1000]);

        using (var deleted = await _tus.DeleteAsync(id))
        {
            await HttpAssert.StatusAsync(deleted, HttpStatusCode.NoContent);
        }

        using (var head = await _tus.HeadAsync(id))
        {
            await HttpAssert.StatusAsync(head, HttpStatusCode.Gone);
            TusClient.AssertTus(head);
        }

        using var patch = await _tus.PatchAsync(id, 1000, file[1000..]);
        await HttpAssert.ProblemAsync(patch, HttpStatusCode.Gone, "upload_cancelled");
        TusClient.AssertTus(patch);
    }

    [Fact]
    public async Task Expired_upload_is_gone_for_head_and_patch()
    {
        var tus = new TusClient(expiring.Client);
        var id = await tus.CreateOkAsync(2000);

        // The upload idles past Uploads:UploadTimeout (1 s here): poll HEAD, which does not count as activity, until 410.
        await Eventually.WaitUntilAsync(
            async () =>
            {
                using var head = await tus.HeadAsync(id);
                return head.StatusCode == HttpStatusCode.Gone;
            },
            "the idle tus upload to expire",
            TimeSpan.FromSeconds(20));

        using (var head = await tus.HeadAsync(id))
        {
            await HttpAssert.StatusAsync(head, HttpStatusCode.Gone);
            TusClient.AssertTus(head);
            Assert.False(TusClient.HasHeader(head, "Upload-Offset"));
        }

        using var patch = await tus.PatchAsync(id, 0, TestData.RandomBytes(2000, seed: 1108));
        await HttpAssert.ProblemAsync(patch, HttpStatusCode.Gone, "upload_expired");
        TusClient.AssertTus(patch);
    }

    [Fact]
    public async Task Post_with_x_http_method_override_acts_as_patch_head_and_delete()
    {
        var file = TestData.RandomBytes(4000, seed: 1109);
        var id = await _tus.CreateOkAsync(file.Length);
        var path = TusClient.PathOf(id);

        using (var patch = await _tus.SendAsync(HttpMethod.Post, path, TusClient.Body(file[..1500]), ("X-HTTP-Method-Override", "PATCH"), ("Upload-Offset", "0")))
        {
            await HttpAssert.StatusAsync(patch, HttpStatusCode.NoContent);
            TusClient.AssertTus(patch);
            Assert.Equal("1500", TusClient.Header(patch, "Upload-Offset"));
        }

        using (var head = await _tus.SendAsync(HttpMethod.Post, path, null, ("X-HTTP-Method-Override", "HEAD")))
        {
            await HttpAssert.StatusAsync(head, HttpStatusCode.OK);
            Assert.Equal("1500", TusClient.Header(head, "Upload-Offset"));
            Assert.Equal("4000", TusClient.Header(head, "Upload-Length"));
            Assert.True(head.Headers.CacheControl?.NoStore);
        }

        using (var stale = await _tus.SendAsync(HttpMethod.Post, path, TusClient.Body(file[..1500]), ("X-HTTP-Method-Override", "PATCH"), ("Upload-Offset", "0")))
        {
            await HttpAssert.ProblemAsync(stale, HttpStatusCode.Conflict, "offset_mismatch");
        }

        using (var delete = await _tus.SendAsync(HttpMethod.Post, path, null, ("X-HTTP-Method-Override", "DELETE")))
        {
            await HttpAssert.StatusAsync(delete, HttpStatusCode.NoContent);
            TusClient.AssertTus(delete);
        }

        using var after = await _tus.HeadAsync(id);
        await HttpAssert.StatusAsync(after, HttpStatusCode.Gone);
    }

    [Fact]
    public async Task Rejected_patches_never_move_the_offset()
    {
        var file = TestData.RandomBytes(3000, seed: 1110);
        var id = await _tus.CreateOkAsync(file.Length);
        await _tus.PatchOkAsync(id, 0, file[..1000]);

        var rejected = new List<HttpResponseMessage>
        {
            await _tus.PatchAsync(id, 0, file[..1000]),
            await _tus.PatchAsync(id, 500, file[500..1500]),
            await _tus.PatchAsync(id, 2000, file[2000..]),
            await _tus.PatchAsync(TusClient.PathOf(id), TusClient.Body(file[1000..2000], "application/octet-stream"), ("Upload-Offset", "1000")),
            await _tus.PatchAsync(id, 1000, file[1000..2000], ("Upload-Checksum", "sha256 " + Convert.ToBase64String(new byte[32]))),
            await _tus.PatchAsync(id, 1000, TestData.RandomBytes(2001, seed: 1111)),
            await _tus.PatchAsync(id, 1000, file[1000..2000], ("Tus-Resumable", "0.2.2")),
        };
        try
        {
            Assert.All(rejected, response => Assert.False(response.IsSuccessStatusCode, $"{(int)response.StatusCode} for a PATCH that must be refused"));
            Assert.Equal(
                new[] { 409, 409, 409, 415, 460, 413, 412 },
                rejected.Select(response => (int)response.StatusCode));
        }
        finally
        {
            rejected.ForEach(response => response.Dispose());
        }

        Assert.Equal(1000, await _tus.OffsetAsync(id));
        await _tus.PatchAllAsync(id, file, pieceSize: 1000, from: 1000);
        Assert.Equal(TestData.Sha256Hex(file), TestData.Sha256Hex(await _tus.DownloadAsync(id)));
    }

    [Fact]
    public async Task Sequential_patches_complete_the_upload_into_a_video()
    {
        var file = TestData.RandomBytes((2 * Chunk) + 4321, seed: 1112);
        var metadata = TusClient.Metadata(("filename", "complete me.mp4"), ("projectId", "tus-core"));
        var id = await _tus.CreateOkAsync(file.Length, metadata);

        var offset = 0L;
        foreach (var size in new[] { 1, Chunk - 1, 1000, Chunk, 3321 })
        {
            offset = await _tus.PatchOkAsync(id, offset, file[(int)offset..(int)(offset + size)]);
        }

        Assert.Equal(file.Length, offset);
        using (var head = await _tus.HeadOkAsync(id))
        {
            Assert.Equal(file.Length.ToString(CultureInfo.InvariantCulture), TusClient.Header(head, "Upload-Offset"));
            Assert.Equal(file.Length.ToString(CultureInfo.InvariantCulture), TusClient.Header(head, "Upload-Length"));
            Assert.False(TusClient.HasHeader(head, "Upload-Expires"), "a finished upload does not expire");
        }

        Assert.Equal(TestData.Sha256Hex(file), TestData.Sha256Hex(await _tus.DownloadAsync(id)));

        var video = await _api.GetOkAsync($"/api/videos/{id}");
        Assert.Equal(id, video.GetProperty("id").GetGuid());
        Assert.Equal(id, video.GetProperty("uploadId").GetGuid());
        Assert.Equal("complete me.mp4", video.GetProperty("originalName").GetString());
        Assert.Equal(TestData.StorageKey(id), video.GetProperty("filename").GetString());
        Assert.Equal("tus-core", video.GetProperty("projectId").GetString());
        Assert.Equal(file.Length, video.GetProperty("size").GetInt64());
        Assert.Equal(TestData.Sha256Hex(file), video.GetProperty("fileHash").GetString());
        using (var content = await _api.GetAsync(video.GetProperty("contentUrl").GetString()!))
        {
            await HttpAssert.StatusAsync(content, HttpStatusCode.OK);
            Assert.Equal(TestData.Sha256Hex(file), TestData.Sha256Hex(await content.Content.ReadAsByteArrayAsync()));
        }

        var status = await _api.GetStatusOkAsync(id);
        Assert.Equal("completed", status.GetProperty("status").GetString());
        Assert.Equal(file.Length, status.GetProperty("uploadedBytes").GetInt64());
        Assert.Contains(id, (await _api.GetOkAsync("/api/videos?projectId=tus-core")).EnumerateArray().Select(v => v.GetProperty("id").GetGuid()));
        Assert.Equal(file, await File.ReadAllBytesAsync(Path.Combine(gateway.FinalDirectory, TestData.StorageKey(id))));
    }

    [Fact]
    public async Task Large_patch_body_is_streamed_through_in_one_request()
    {
        var file = TestData.RandomBytes((7 * Chunk) + 12345, seed: 1113);
        var id = await _tus.CreateOkAsync(file.Length);

        await _tus.PatchOkAsync(id, 0, file);

        Assert.Equal(TestData.Sha256Hex(file), TestData.Sha256Hex(await _tus.DownloadAsync(id)));
    }

    [Fact]
    public async Task Statistics_count_tus_uploads()
    {
        var tus = new TusClient(statisticsGateway.Client);
        var api = statisticsGateway.Api;
        var completed = TestData.RandomBytes(Chunk + 2000, seed: 1114);
        var completedId = await tus.CreateOkAsync(completed.Length);
        await tus.PatchAllAsync(completedId, completed, pieceSize: 50_000);
        var terminatedId = await tus.CreateOkAsync(10_000);
        await tus.PatchOkAsync(terminatedId, 0, TestData.RandomBytes(3000, seed: 1115));
        using (var deleted = await tus.DeleteAsync(terminatedId))
        {
            await HttpAssert.StatusAsync(deleted, HttpStatusCode.NoContent);
        }

        await tus.CreateOkAsync(5000);

        JsonElement statistics = default;
        try
        {
            await Eventually.WaitUntilAsync(
                async () =>
                {
                    statistics = await api.GetOkAsync("/api/uploads/statistics");
                    return statistics.GetProperty("totalUploads").GetInt64() == 3
                        && Count(statistics, "completed") == 1 && Count(statistics, "cancelled") == 1
                        && statistics.GetProperty("bytesReceived").GetInt64() == completed.Length + 3000;
                },
                "the statistics to count the tus uploads",
                TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            // The exact assertions below say which number is off.
        }

        Assert.Equal(3, statistics.GetProperty("totalUploads").GetInt64());
        Assert.Equal(1, Count(statistics, "completed"));
        Assert.Equal(1, Count(statistics, "cancelled"));
        Assert.Equal(1, Count(statistics, "initiated"));
        Assert.Equal(0, Count(statistics, "uploading"));
        Assert.Equal(completed.Length + 3000, statistics.GetProperty("bytesReceived").GetInt64());
        // Chunks are read off the sessions' stored chunk layout, not counted per PATCH: the finished upload's two
        // chunks; the cancelled one stored 3,000 bytes, no whole chunk.
        Assert.Equal(2, statistics.GetProperty("chunksReceived").GetInt64());
    }

    private static long Count(JsonElement statistics, string status) =>
        statistics.GetProperty("countsByStatus").GetProperty(status).GetInt64();
}
