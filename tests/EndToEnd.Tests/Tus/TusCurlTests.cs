using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.EndToEnd.Tests.Tus;

/// <summary>
/// The tus endpoint of the built gateway (a real process) driven by the real <c>curl</c> binary, request by request:
/// creation, checksum mismatches (460) and offset conflicts (409), and what HEAD and a download say afterwards.
/// </summary>
public sealed class TusCurlTests
{
    private const int MiB = 1024 * 1024;
    private const string OffsetOctetStream = "application/offset+octet-stream";

    [Fact]
    public async Task Creation_answers_201_with_a_Location_that_HEAD_finds_and_creation_with_upload_stores_the_body_at_once()
    {
        using var directory = new TempDirectory("uploads-tus-curl");
        var file = await RandomFile.CreateAsync(directory.Combine("source.bin"), (2L * MiB) + 333, seed: 2_0101);
        await using var server = await GatewayServer.StartAsync(directory.Path);
        var curl = new Curl(server, directory.Path);

        // Creation: an empty upload of a known length.
        var created = (await curl.SendAsync("POST", "/files/", new Dictionary<string, string>
        {
            ["Upload-Length"] = Bytes(file.Size),
            ["Upload-Metadata"] = Metadata("curl clip.mp4"),
        })).Expect(201);
        var location = created.Header("Location");
        Assert.NotNull(location);
        Assert.Matches("^/files/[0-9a-f]{32}$", location);
        Assert.Equal("1.0.0", created.Header("Tus-Resumable"));
        var expires = DateTimeOffset.ParseExact(created.Header("Upload-Expires") ?? "", "R", CultureInfo.InvariantCulture);
        Assert.True(expires > DateTimeOffset.UtcNow, created.Context);

        var head = (await curl.SendAsync("HEAD", location)).Expect(200);
        Assert.Equal(0, head.LongHeader("Upload-Offset"));
        Assert.Equal(file.Size, head.LongHeader("Upload-Length"));
        Assert.Equal("no-store", head.Header("Cache-Control"));
        Assert.Contains("filename " + Base64("curl clip.mp4"), head.Header("Upload-Metadata"), StringComparison.Ordinal);
        Assert.Equal(404, (await curl.DownloadAsync(location)).Status);

        // creation-with-upload: the POST body is the whole file; the upload is finished by the time of the 201.
        var withBody = (await curl.SendAsync("POST", "/files/", new Dictionary<string, string>
        {
            ["Upload-Length"] = Bytes(file.Size),
            ["Upload-Metadata"] = Metadata("curl whole.mov"),
            ["Content-Type"] = OffsetOctetStream,
        }, file.Path)).Expect(201);
        var second = withBody.Header("Location");
        Assert.NotNull(second);
        Assert.Matches("^/files/[0-9a-f]{32}$", second);
        Assert.NotEqual(location, second);
        Assert.Equal(file.Size, withBody.LongHeader("Upload-Offset"));

        Assert.Equal(file.Size, (await curl.SendAsync("HEAD", second)).Expect(200).LongHeader("Upload-Offset"));
        await AssertDownloadsAsync(curl, second, file);
    }

    [Fact]
    public async Task A_checksum_mismatch_is_460_and_leaves_the_offset_unchanged_and_the_right_checksum_is_then_204()
    {
        using var directory = new TempDirectory("uploads-tus-curl");
        var file = await RandomFile.CreateAsync(directory.Combine("source.bin"), (3L * MiB) + 100, seed: 3_0102);
        var (first, firstPath) = await WritePartAsync(file, directory, 0, 2 * MiB);
        var (second, secondPath) = await WritePartAsync(file, directory, 1, 2 * MiB);
        await using var server = await GatewayServer.StartAsync(directory.Path);
        var curl = new Curl(server, directory.Path);
        var location = await CreateAsync(curl, file, "checked.mp4");

        // 1. The first part with one byte flipped in transit, under the sha1 of the true bytes: refused, nothing kept.
        var corrupt = (byte[])first.Clone();
        corrupt[corrupt.Length / 2] ^= 0x40;
        var corruptPath = directory.Combine("part-0-corrupt.bin");
        await File.WriteAllBytesAsync(corruptPath, corrupt);
        var mismatch = (await PatchAsync(curl, location, 0, corruptPath, Checksum("sha1", first))).Expect(460);
        Assert.Contains("checksum_mismatch", mismatch.Body, StringComparison.Ordinal);
        Assert.Equal(0, await OffsetAsync(curl, location));

        // 2. The true bytes under the same sha1: stored.
        var accepted = (await PatchAsync(curl, location, 0, firstPath, Checksum("sha1", first))).Expect(204);
        Assert.Equal(first.Length, accepted.LongHeader("Upload-Offset"));
        Assert.Equal(first.Length, await OffsetAsync(curl, location));

        // 3. Past offset 0 too: a wrong md5 for the second part is 460 and the offset stays where it was.
        (await PatchAsync(curl, location, first.Length, secondPath, Checksum("md5", first))).Expect(460);
        Assert.Equal(first.Length, await OffsetAsync(curl, location));

        // 4. The second part under its sha256 finishes the upload, byte for byte.
        var finished = (await PatchAsync(curl, location, first.Length, secondPath, Checksum("sha256", second))).Expect(204);
        Assert.Equal(file.Size, finished.LongHeader("Upload-Offset"));
        Assert.Equal(file.Size, await OffsetAsync(curl, location));
        await AssertDownloadsAsync(curl, location, file);
    }

    [Fact]
    public async Task A_PATCH_at_any_offset_but_the_stored_one_is_409_and_changes_nothing()
    {
        using var directory = new TempDirectory("uploads-tus-curl");
        var file = await RandomFile.CreateAsync(directory.Combine("source.bin"), (3L * MiB) + 200, seed: 3_0103, extension: ".avi");
        var (first, firstPath) = await WritePartAsync(file, directory, 0, 2 * MiB);
        var (_, secondPath) = await WritePartAsync(file, directory, 1, 2 * MiB);
        await using var server = await GatewayServer.StartAsync(directory.Path);
        var curl = new Curl(server, directory.Path);
        var location = await CreateAsync(curl, file, "conflict.avi");

        Assert.Equal(first.Length, (await PatchAsync(curl, location, 0, firstPath)).Expect(204).LongHeader("Upload-Offset"));

        // Behind the stored offset (a replay of the first part's offset), and ahead of it (a gap): both 409.
        foreach (var stale in new long[] { 0, first.Length - 1, first.Length + 1 })
        {
            var conflict = (await PatchAsync(curl, location, stale, secondPath)).Expect(409);
            Assert.Contains("offset_mismatch", conflict.Body, StringComparison.Ordinal);
            Assert.Equal(first.Length, await OffsetAsync(curl, location));
        }

        Assert.Equal(file.Size, (await PatchAsync(curl, location, first.Length, secondPath)).Expect(204).LongHeader("Upload-Offset"));
        await AssertDownloadsAsync(curl, location, file);
    }

    private static async Task<string> CreateAsync(Curl curl, RandomFile file, string filename)
    {
        var created = (await curl.SendAsync("POST", "/files/", new Dictionary<string, string>
        {
            ["Upload-Length"] = Bytes(file.Size),
            ["Upload-Metadata"] = Metadata(filename),
        })).Expect(201);
        return created.Header("Location") ?? throw new InvalidOperationException("no Location\n" + created.Context);
    }

    private static Task<CurlResponse> PatchAsync(Curl curl, string location, long offset, string bodyFile, string? checksum = null)
    {
        var headers = new Dictionary<string, string>
        {
            ["Content-Type"] = OffsetOctetStream,
            ["Upload-Offset"] = Bytes(offset),
        };
        if (checksum is not null)
        {
            headers["Upload-Checksum"] = checksum;
        }

        return curl.SendAsync("PATCH", location, headers, bodyFile);
    }

    private static async Task<long> OffsetAsync(Curl curl, string location) =>
        (await curl.SendAsync("HEAD", location)).Expect(200).LongHeader("Upload-Offset");

    /// <summary>GET /files/{id} and GET /api/videos/{id}/content, both with curl -o, give back exactly the file.</summary>
    private static async Task AssertDownloadsAsync(Curl curl, string location, RandomFile file)
    {
        var id = Guid.ParseExact(location.Split('/')[^1], "N");
        foreach (var route in new[] { location, $"/api/videos/{id}/content" })
        {
            var (status, length, sha256) = await curl.DownloadAsync(route);
            Assert.Equal(200, status);
            Assert.Equal(file.Size, length);
            Assert.Equal(file.Sha256, sha256);
        }
    }

    /// <summary>Part <paramref name="index"/> of the file (parts of <paramref name="partSize"/>), also written to its own file for --data-binary.</summary>
    private static async Task<(byte[] Bytes, string Path)> WritePartAsync(RandomFile file, TempDirectory directory, int index, int partSize)
    {
        var bytes = await file.ReadChunkAsync(index, partSize);
        var path = directory.Combine($"part-{index}.bin");
        await File.WriteAllBytesAsync(path, bytes);
        return (bytes, path);
    }

    /// <summary>An Upload-Checksum value: the algorithm and the base64 digest of <paramref name="bytes"/>.</summary>
#pragma warning disable CA5350, CA5351 // sha1 and md5 are tus checksum algorithms the server must accept; nothing here rests on their strength.
    private static string Checksum(string algorithm, byte[] bytes) => algorithm + " " + Convert.ToBase64String(algorithm switch
    {
        "sha1" => SHA1.HashData(bytes),
        "md5" => MD5.HashData(bytes),
        "sha256" => SHA256.HashData(bytes),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "not a tus checksum algorithm of this server"),
    });
#pragma warning restore CA5350, CA5351

    private static string Metadata(string filename) => $"filename {Base64(filename)},filetype {Base64("video/mp4")}";

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string Bytes(long count) => count.ToString(CultureInfo.InvariantCulture);
}
