using System.Globalization;
using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Tus;

/// <summary>tus creation-defer-length: Upload-Defer-Length: 1 at creation, the length declared by a later PATCH.</summary>
public sealed class TusCreationDeferLengthTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const int Chunk = GatewayFixture.ChunkSize;
    private readonly TusClient _tus = new(gateway.Client);
    private readonly UploadsApiClient _api = gateway.Api;

    [Fact]
    public async Task Deferred_upload_reports_defer_length_and_no_length_until_declared()
    {
        var file = TestData.RandomBytes(Chunk + 3000, seed: 1401);
        var id = await CreateDeferredAsync();

        using (var head = await _tus.HeadOkAsync(id))
        {
            Assert.Equal("1", TusClient.Header(head, "Upload-Defer-Length"));
            Assert.False(TusClient.HasHeader(head, "Upload-Length"));
            Assert.Equal("0", TusClient.Header(head, "Upload-Offset"));
            TusClient.ExpiresOf(head);
        }

        await _tus.PatchOkAsync(id, 0, file[..Chunk]);
        using (var head = await _tus.HeadOkAsync(id))
        {
            Assert.Equal("1", TusClient.Header(head, "Upload-Defer-Length"));
            Assert.False(TusClient.HasHeader(head, "Upload-Length"));
            Assert.Equal(Chunk.ToString(CultureInfo.InvariantCulture), TusClient.Header(head, "Upload-Offset"));
        }

        // The length arrives with a PATCH that does not finish the upload yet.
        var length = file.Length.ToString(CultureInfo.InvariantCulture);
        await _tus.PatchOkAsync(id, Chunk, file[Chunk..(Chunk + 1000)], ("Upload-Length", length));
        using (var head = await _tus.HeadOkAsync(id))
        {
            Assert.Equal(length, TusClient.Header(head, "Upload-Length"));
            Assert.False(TusClient.HasHeader(head, "Upload-Defer-Length"));
        }

        Assert.Equal("uploading", (await _api.GetStatusOkAsync(id)).GetProperty("status").GetString());
        await _tus.PatchOkAsync(id, Chunk + 1000, file[(Chunk + 1000)..]);

        Assert.Equal("completed", (await _api.GetStatusOkAsync(id)).GetProperty("status").GetString());
        Assert.Equal(TestData.Sha256Hex(file), TestData.Sha256Hex(await _tus.DownloadAsync(id)));
    }

    [Fact]
    public async Task Length_declared_with_the_last_bytes_completes_the_upload()
    {
        var file = TestData.RandomBytes(2500, seed: 1402);
        var id = await CreateDeferredAsync();
        await _tus.PatchOkAsync(id, 0, file[..1000]);

        await _tus.PatchOkAsync(id, 1000, file[1000..], ("Upload-Length", "2500"));

        Assert.Equal(file, await _tus.DownloadAsync(id));
        using var head = await _tus.HeadOkAsync(id);
        Assert.Equal("2500", TusClient.Header(head, "Upload-Offset"));
        Assert.Equal("2500", TusClient.Header(head, "Upload-Length"));
    }

    /// <summary>
    /// What tus-js-client does when a deferred-length stream ends exactly at a chunk boundary: an empty PATCH at the
    /// current offset that only declares Upload-Length. It must succeed (204) and finish the upload.
    /// </summary>
    [Fact]
    public async Task Empty_patch_declaring_a_length_equal_to_the_offset_completes_the_upload()
    {
        var file = TestData.RandomBytes(2000, seed: 1403);
        var id = await CreateDeferredAsync();
        await _tus.PatchOkAsync(id, 0, file);

        using var response = await _tus.PatchAsync(id, 2000, [], ("Upload-Length", "2000"));

        await HttpAssert.StatusAsync(response, HttpStatusCode.NoContent);
        Assert.Equal("2000", TusClient.Header(response, "Upload-Offset"));
        Assert.Equal(file, await _tus.DownloadAsync(id));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("2")]
    [InlineData("true")]
    [InlineData("")]
    public async Task Upload_defer_length_other_than_1_is_400(string value)
    {
        using var response = await _tus.CreateAsync(("Upload-Defer-Length", value), ("Upload-Metadata", TusClient.VideoMetadata));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_upload_length");
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Declared_length_above_tus_max_size_is_413()
    {
        var id = await CreateDeferredAsync();
        await _tus.PatchOkAsync(id, 0, TestData.RandomBytes(100, seed: 1404));

        using var response = await _tus.PatchAsync(
            id, 100, TestData.RandomBytes(100, seed: 1405), ("Upload-Length", (GatewayFixture.MaxFileSize + 1).ToString(CultureInfo.InvariantCulture)));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "file_too_large");
        using var head = await _tus.HeadOkAsync(id);
        Assert.Equal("100", TusClient.Header(head, "Upload-Offset"));
        Assert.Equal("1", TusClient.Header(head, "Upload-Defer-Length"));
    }

    [Fact]
    public async Task Invalid_declared_length_is_400()
    {
        var id = await CreateDeferredAsync();

        using var response = await _tus.PatchAsync(id, 0, TestData.RandomBytes(100, seed: 1406), ("Upload-Length", "-5"));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_upload_length");
        Assert.Equal(0, await _tus.OffsetAsync(id));
    }

    [Fact]
    public async Task A_declared_length_that_contradicts_the_stored_bytes_or_an_earlier_declaration_is_400_and_changes_nothing()
    {
        var id = await CreateDeferredAsync();
        await _tus.PatchOkAsync(id, 0, TestData.RandomBytes(200, seed: 1407));

        using var belowStored = await _tus.PatchAsync(id, 200, [], ("Upload-Length", "100"));
        await HttpAssert.ProblemAsync(belowStored, HttpStatusCode.BadRequest, "length_mismatch");
        await _tus.PatchOkAsync(id, 200, TestData.RandomBytes(100, seed: 1408), ("Upload-Length", "1000"));
        using var redeclared = await _tus.PatchAsync(id, 300, TestData.RandomBytes(100, seed: 1409), ("Upload-Length", "2000"));

        await HttpAssert.ProblemAsync(redeclared, HttpStatusCode.BadRequest, "length_mismatch");
        using var head = await _tus.HeadOkAsync(id);
        Assert.Equal("300", TusClient.Header(head, "Upload-Offset"));
        Assert.Equal("1000", TusClient.Header(head, "Upload-Length"));
    }

    private async Task<Guid> CreateDeferredAsync()
    {
        using var response = await _tus.CreateAsync(("Upload-Defer-Length", "1"), ("Upload-Metadata", TusClient.VideoMetadata));
        var id = await TusClient.AssertCreatedAsync(response);
        TusClient.ExpiresOf(response);
        return id;
    }
}
