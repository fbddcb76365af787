using System.Globalization;
using Orleans.Uploads.EndToEnd.Tests.Tus;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.EndToEnd.Tests.Ietf;

/// <summary>
/// The resumable-upload draft at interop version 8 (draft -11) against the built gateway (a real process), driven by the
/// real <c>curl</c> binary request by request: the README's walk-through, and a creation request cut off mid-body that
/// is resumed from the Location of its <c>104 Upload Resumption Supported</c>.
/// </summary>
public sealed class IetfCurlTests
{
    private const int MiB = 1024 * 1024;
    private const string Interop = "Upload-Draft-Interop-Version: 8";

    [Fact]
    public async Task Create_append_ask_and_finish_as_the_walk_through_shows()
    {
        using var directory = new TempDirectory("uploads-ietf-curl");
        var file = await RandomFile.CreateAsync(directory.Combine("source.bin"), (3L * MiB) + 55, seed: 16_0101);
        var (first, firstPath) = await PartAsync(file, directory, 0, 2 * MiB);
        var (_, restPath) = await PartAsync(file, directory, 2 * MiB, (int)file.Size - (2 * MiB));
        await using var server = await GatewayServer.StartAsync(directory.Path);
        var curl = new Curl(server, directory.Path, Interop);

        // 1. Creation with the first 2 MiB, more to come.
        var created = (await curl.SendAsync("POST", "/files/", new Dictionary<string, string>
        {
            ["Upload-Complete"] = "?0",
            ["Upload-Length"] = Bytes(file.Size),
            ["Content-Type"] = "video/mp4",
            ["Content-Disposition"] = "attachment; filename=\"walk.mp4\"",
        }, firstPath)).Expect(201);
        var location = created.Header("Location");
        Assert.NotNull(location);
        Assert.Matches("^/files/[0-9a-f]{32}$", location);
        Assert.Equal(first.Length, created.LongHeader("Upload-Offset"));
        Assert.Equal("?0", created.Header("Upload-Complete"));
        Assert.Matches("^max-size=[0-9]+, min-size=0, max-age=[0-9]+$", created.Header("Upload-Limit"));
        Assert.Contains(created.Interim, answer => answer.Status == 104 && answer.Header("Location") == location);

        // 2. Where does it stand?
        var head = (await curl.SendAsync("HEAD", location)).Expect(204);
        Assert.Equal(first.Length, head.LongHeader("Upload-Offset"));
        Assert.Equal("?0", head.Header("Upload-Complete"));
        Assert.Equal(file.Size, head.LongHeader("Upload-Length"));
        Assert.Equal("no-store", head.Header("Cache-Control"));

        // 3. A wrong offset is refused with the right one.
        var conflict = (await curl.SendAsync("PATCH", location, Append(0, complete: true), restPath)).Expect(409);
        Assert.Equal(first.Length, conflict.LongHeader("Upload-Offset"));
        Assert.Contains("mismatching-upload-offset", conflict.Body, StringComparison.Ordinal);

        // 4. The rest completes it: the answer is the video.
        var finished = (await curl.SendAsync("PATCH", location, Append(first.Length, complete: true), restPath)).Expect(200);
        Assert.Equal(file.Size, finished.LongHeader("Upload-Offset"));
        Assert.Equal("?1", finished.Header("Upload-Complete"));
        Assert.Contains("\"originalName\":\"walk.mp4\"", finished.Body, StringComparison.Ordinal);
        await new TusHttp(server).AssertDownloadsAsync(new Uri(server.BaseAddress, location).ToString(), file);

        // 5. Cancellation.
        var other = (await curl.SendAsync("POST", "/files/", new Dictionary<string, string> { ["Upload-Complete"] = "?0", ["Content-Type"] = "video/mp4" })).Expect(201);
        (await curl.SendAsync("DELETE", other.Header("Location")!)).Expect(204);
        (await curl.SendAsync("HEAD", other.Header("Location")!)).Expect(404);
    }

    [Fact]
    public async Task A_creation_cut_off_mid_body_resumes_from_the_Location_of_its_104()
    {
        using var directory = new TempDirectory("uploads-ietf-curl");
        var file = await RandomFile.CreateAsync(directory.Combine("source.bin"), (4L * MiB) + 321, seed: 16_0102);

        // 256 KiB pieces: several are committed (each reported by a 104) before the request is cut off.
        await using var server = await GatewayServer.StartAsync(directory.Path, environment: new Dictionary<string, string> { ["Uploads__ChunkSize"] = "262144" });
        var curl = new Curl(server, directory.Path, Interop);

        // 1. The whole file in one creation request, at 512 KiB/s, cut off after 2 s: no final answer, only the 104.
        var cut = await curl.SendCutOffAsync("POST", "/api/videos", new Dictionary<string, string>
        {
            ["Upload-Complete"] = "?1",
            ["Content-Type"] = "video/mp4",
            ["Content-Disposition"] = "attachment; filename=\"cut.mp4\"",
        }, file.Path, bytesPerSecond: 512 * 1024, seconds: 2);
        Assert.True(cut.Status == 0, $"the request was not cut off\n{cut.Context}");
        var interim = cut.Interim.First(answer => answer.Status == 104);
        var location = interim.Header("Location");
        Assert.NotNull(location);
        Assert.Matches("^/files/[0-9a-f]{32}$", location);
        Assert.Equal("8", interim.Header("Upload-Draft-Interop-Version"));

        // 2. HEAD on that Location: what arrived is kept, and the length the request declared is known. Later 104s
        //    reported the committed offset as the body arrived, never more than the HEAD finds.
        var head = (await curl.SendAsync("HEAD", location)).Expect(204);
        var offset = head.LongHeader("Upload-Offset");
        Assert.InRange(offset, 1, file.Size - 1);
        var progress = cut.Interim.Where(answer => answer.Status == 104 && answer.Header("Upload-Offset") is not null).Select(answer => answer.LongHeader("Upload-Offset")).ToList();
        Assert.True(progress.Count > 0, $"no 104 reported progress\n{cut.Context}");
        Assert.Equal(progress.Order(), progress);
        Assert.All(progress, reported => Assert.InRange(reported, 1, offset));
        Assert.All(cut.Interim.Where(answer => answer.Status == 104), answer => Assert.Equal(location, answer.Header("Location")));
        Assert.Equal("?0", head.Header("Upload-Complete"));
        Assert.Equal(file.Size, head.LongHeader("Upload-Length"));

        // 3. The rest from there completes the upload; the file is whole.
        var (_, restPath) = await PartAsync(file, directory, offset, (int)(file.Size - offset));
        var finished = (await curl.SendAsync("PATCH", location, Append(offset, complete: true), restPath)).Expect(200);
        Assert.Equal(file.Size, finished.LongHeader("Upload-Offset"));
        await new TusHttp(server).AssertDownloadsAsync(new Uri(server.BaseAddress, location).ToString(), file);
    }

    private static Dictionary<string, string> Append(long offset, bool complete) => new()
    {
        ["Upload-Offset"] = Bytes(offset),
        ["Upload-Complete"] = complete ? "?1" : "?0",
        ["Content-Type"] = "application/partial-upload",
    };

    private static string Bytes(long count) => count.ToString(CultureInfo.InvariantCulture);

    private static async Task<(byte[] Bytes, string Path)> PartAsync(RandomFile file, TempDirectory directory, long from, int length)
    {
        var bytes = new byte[length];
        await using (var source = File.OpenRead(file.Path))
        {
            source.Seek(from, SeekOrigin.Begin);
            await source.ReadExactlyAsync(bytes);
        }

        var path = directory.Combine($"part-{from}.bin");
        await File.WriteAllBytesAsync(path, bytes);
        return (bytes, path);
    }
}
