using System.Globalization;
using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Tus;

/// <summary>tus creation-with-upload: the POST that creates an upload may carry its first bytes (or all of them).</summary>
public sealed class TusCreationWithUploadTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const int Chunk = GatewayFixture.ChunkSize;
    private readonly TusClient _tus = new(gateway.Client);
    private readonly UploadsApiClient _api = gateway.Api;

    [Fact]
    public async Task Post_with_a_body_stores_it_and_answers_the_offset()
    {
        var file = TestData.RandomBytes(5000, seed: 1301);

        using var response = await _tus.CreateAsync(
            TusClient.Body(file[..2000]), ("Upload-Length", "5000"), ("Upload-Metadata", TusClient.VideoMetadata));

        var id = await TusClient.AssertCreatedAsync(response);
        Assert.Equal("2000", TusClient.Header(response, "Upload-Offset"));
        Assert.True(TusClient.ExpiresOf(response) > DateTimeOffset.UtcNow);
        Assert.Equal(2000, await _tus.OffsetAsync(id));

        await _tus.PatchOkAsync(id, 2000, file[2000..]);
        Assert.Equal(TestData.Sha256Hex(file), TestData.Sha256Hex(await _tus.DownloadAsync(id)));
    }

    [Theory]
    [InlineData(4)] // the shortest .webm: its EBML magic and nothing else
    [InlineData(777)]
    [InlineData((3 * Chunk) + 5)]
    public async Task Post_with_the_whole_file_completes_the_upload(int length)
    {
        var file = TestData.RandomVideo(length, seed: 1302 + length, ".webm");

        using var response = await _tus.CreateAsync(
            TusClient.Body(file), ("Upload-Length", length.ToString(CultureInfo.InvariantCulture)), ("Upload-Metadata", TusClient.Metadata(("filename", "one shot.webm"))));

        var id = await TusClient.AssertCreatedAsync(response);
        Assert.Equal(length.ToString(CultureInfo.InvariantCulture), TusClient.Header(response, "Upload-Offset"));
        Assert.Equal(TestData.Sha256Hex(file), TestData.Sha256Hex(await _tus.DownloadAsync(id)));
        var video = await _api.GetOkAsync($"/api/videos/{id}");
        Assert.Equal("one shot.webm", video.GetProperty("originalName").GetString());
        Assert.Equal(length, video.GetProperty("size").GetInt64());
        Assert.Equal("completed", (await _api.GetStatusOkAsync(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Post_with_a_body_and_a_matching_checksum_stores_it()
    {
        var file = TestData.RandomBytes(3000, seed: 1303);

        using var response = await _tus.CreateAsync(
            TusClient.Body(file[..1000]),
            ("Upload-Length", "3000"),
            ("Upload-Metadata", TusClient.VideoMetadata),
            ("Upload-Checksum", TusChecksumTests.ChecksumOf("sha1", file[..1000])));

        var id = await TusClient.AssertCreatedAsync(response);
        Assert.Equal("1000", TusClient.Header(response, "Upload-Offset"));
        Assert.Equal(1000, await _tus.OffsetAsync(id));
    }

    [Fact]
    public async Task Post_with_a_body_and_a_deferred_length_stores_it()
    {
        var file = TestData.RandomBytes(1500, seed: 1304);

        using var response = await _tus.CreateAsync(
            TusClient.Body(file[..600]), ("Upload-Defer-Length", "1"), ("Upload-Metadata", TusClient.VideoMetadata));

        var id = await TusClient.AssertCreatedAsync(response);
        Assert.Equal("600", TusClient.Header(response, "Upload-Offset"));
        await _tus.PatchOkAsync(id, 600, file[600..], ("Upload-Length", "1500"));
        Assert.Equal(file, await _tus.DownloadAsync(id));
    }

    [Fact]
    public async Task Post_with_an_empty_body_creates_an_empty_upload()
    {
        using var response = await _tus.CreateAsync(TusClient.Body([]), ("Upload-Length", "100"), ("Upload-Metadata", TusClient.VideoMetadata));

        var id = await TusClient.AssertCreatedAsync(response);
        Assert.Equal(0, await _tus.OffsetAsync(id));
    }
}
