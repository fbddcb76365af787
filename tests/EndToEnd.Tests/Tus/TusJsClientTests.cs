using System.Diagnostics;
using System.Net;
using System.Text;
using Orleans.Uploads.Harness;
using Xunit.Abstractions;
using static Orleans.Uploads.EndToEnd.Tests.Tus.TusJsClient;

namespace Orleans.Uploads.EndToEnd.Tests.Tus;

/// <summary>
/// The real tus-js-client (Node build, pinned in tests/Clients/tus-js/package-lock.json) uploads seeded random files to
/// the built gateway running as a real process; every upload is then read back over HTTP and compared by sha256.
/// </summary>
public sealed class TusJsClientTests(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;

    /// <summary>Big enough for every file here, whatever appsettings.json says.</summary>
    private static readonly Dictionary<string, string> GatewayEnvironment = new() { ["Uploads__MaxFileSize"] = (1L << 30).ToString(System.Globalization.CultureInfo.InvariantCulture) };

    [Fact]
    public async Task A_whole_file_goes_up_in_one_PATCH_and_downloads_byte_for_byte()
    {
        RequireInstalled();
        var clock = Stopwatch.StartNew();
        using var directory = new TempDirectory("uploads-tus-js");
        var file = await RandomFile.CreateAsync(directory.Combine("source.bin"), (32L * MiB) + 777, seed: 32_0001);
        await using var server = await GatewayServer.StartAsync(directory.Path, environment: GatewayEnvironment);
        Log(clock, "gateway healthy");
        var client = new TusJsClient(server);
        var http = new TusHttp(server);

        var result = await client.UploadAsync(file, "whole", "holiday.mp4");
        Log(clock, $"uploaded: {result.RequestSummary}");

        client.AssertFinished(result, file);
        Assert.Equal(1, result.RequestCount("POST"));
        Assert.Equal(1, result.RequestCount("PATCH"));
        Assert.Equal(0, result.FirstPatchOffset);

        var head = await http.HeadAsync(result.Url);
        Assert.Equal(file.Size, head.Offset);
        Assert.Equal(file.Size, head.Length);
        Assert.Contains("filename " + Base64("holiday.mp4"), head.Metadata, StringComparison.Ordinal);
        Assert.Contains("filetype " + Base64("video/mp4"), head.Metadata, StringComparison.Ordinal);

        await http.AssertDownloadsAsync(result.Url, file);
        Log(clock, "downloaded");
    }

    /// <summary>
    /// <c>abort(true)</c> after a finished upload: tus-js-client retries a 409, so the old answer (409 upload_completed)
    /// cost five retries (about 9 s) and then an error. Now one DELETE, 204, and the upload is gone. The bound is generous
    /// (a loaded machine); the retries alone took longer than it.
    /// </summary>
    [Fact]
    public async Task Abort_with_terminate_after_a_finished_upload_succeeds_at_once_and_removes_it()
    {
        RequireInstalled();
        using var directory = new TempDirectory("uploads-tus-js");
        var file = await RandomFile.CreateAsync(directory.Combine("source.bin"), (2L * MiB) + 99, seed: 2_0005);
        await using var server = await GatewayServer.StartAsync(directory.Path, environment: GatewayEnvironment);
        var client = new TusJsClient(server);

        var result = await client.UploadAsync(file, "whole", "terminated.mp4", "--terminate-after-success");
        output.WriteLine($"abort(true) took {result.TerminateMilliseconds} ms: {result.RequestSummary}");

        Assert.Equal(file.Size, result.BytesUploaded);
        Assert.Equal(1, result.RequestCount("DELETE"));
        Assert.Equal(0, result.Retries);
        Assert.True(result.TerminateMilliseconds < 5000, $"abort(true) took {result.TerminateMilliseconds} ms");
        var (status, _, _) = await new TusHttp(server).DownloadAsync(result.Url);
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task A_file_sent_in_5_MiB_PATCHes_downloads_byte_for_byte()
    {
        RequireInstalled();
        var clock = Stopwatch.StartNew();
        using var directory = new TempDirectory("uploads-tus-js");
        var file = await RandomFile.CreateAsync(directory.Combine("source.bin"), (26L * MiB) + 12_345, seed: 26_0002, extension: ".mkv");
        await using var server = await GatewayServer.StartAsync(directory.Path, environment: GatewayEnvironment);
        Log(clock, "gateway healthy");
        var client = new TusJsClient(server);

        var result = await client.UploadAsync(file, "chunked", "chunks.mkv", "--chunk-size", Bytes(5 * MiB));
        Log(clock, $"uploaded: {result.RequestSummary}");

        client.AssertFinished(result, file);
        Assert.Equal(1, result.RequestCount("POST"));
        Assert.Equal(file.ChunkCount(5 * MiB), result.RequestCount("PATCH"));
        Assert.Equal(6, result.RequestCount("PATCH"));

        var head = await new TusHttp(server).HeadAsync(result.Url);
        Assert.Equal(file.Size, head.Offset);
        Assert.Equal(file.Size, head.Length);

        await new TusHttp(server).AssertDownloadsAsync(result.Url, file);
        Log(clock, "downloaded");
    }

    [Fact]
    public async Task An_upload_aborted_half_way_resumes_from_its_stored_URL_at_the_server_offset_and_downloads_byte_for_byte()
    {
        RequireInstalled();
        var clock = Stopwatch.StartNew();
        using var directory = new TempDirectory("uploads-tus-js");
        var file = await RandomFile.CreateAsync(directory.Combine("source.bin"), (24L * MiB) + 4_321, seed: 24_0003);
        await using var server = await GatewayServer.StartAsync(directory.Path, environment: GatewayEnvironment);
        Log(clock, "gateway healthy");
        var client = new TusJsClient(server);
        var http = new TusHttp(server);

        // 1. 1 MiB PATCHes; abort() in onChunkComplete once 12 MiB are acknowledged: nothing more is sent.
        var aborted = await client.UploadAsync(file, "chunked", "resumed.mov", "--chunk-size", Bytes(MiB), "--abort-after-bytes", Bytes(12 * MiB));
        Log(clock, $"aborted at {aborted.BytesUploaded}: {aborted.RequestSummary}");
        Assert.True(aborted.Aborted, "the client did not abort\n" + aborted.Run?.Describe());
        Assert.Equal(12 * MiB, aborted.BytesUploaded);
        Assert.Equal(1, aborted.RequestCount("POST"));
        Assert.Equal(12, aborted.RequestCount("PATCH"));

        // 2. The server holds exactly what it acknowledged, and the upload is not a video yet.
        var head = await http.HeadAsync(aborted.Url);
        Assert.InRange(head.Offset, 1, file.Size - 1);
        Assert.Equal(aborted.BytesUploaded, head.Offset);
        Assert.Equal(file.Size, head.Length);
        var (status, _, _) = await http.DownloadAsync(new Uri(aborted.Url).AbsolutePath);
        Assert.Equal(HttpStatusCode.NotFound, status);

        // 3. A new client process with only the stored URL: HEAD, then one PATCH from the server's offset, no new upload.
        var resumed = await client.ResumeAsync(file, aborted.Url);
        Log(clock, $"resumed from {resumed.FirstPatchOffset}: {resumed.RequestSummary}");
        client.AssertFinished(resumed, file);
        Assert.Equal(aborted.Url, resumed.Url);
        Assert.Equal(0, resumed.RequestCount("POST"));
        Assert.Equal(1, resumed.RequestCount("HEAD"));
        Assert.Equal(1, resumed.RequestCount("PATCH"));
        Assert.Equal(head.Offset, resumed.FirstPatchOffset);

        head = await http.HeadAsync(resumed.Url);
        Assert.Equal(file.Size, head.Offset);
        await http.AssertDownloadsAsync(resumed.Url, file);
        Log(clock, "downloaded");
    }

    [Fact]
    public async Task Four_parallel_partial_uploads_concatenated_by_a_final_upload_download_byte_for_byte()
    {
        RequireInstalled();
        var clock = Stopwatch.StartNew();
        using var directory = new TempDirectory("uploads-tus-js");
        var file = await RandomFile.CreateAsync(directory.Combine("source.bin"), (40L * MiB) + 1, seed: 40_0004, extension: ".webm");
        await using var server = await GatewayServer.StartAsync(directory.Path, environment: GatewayEnvironment);
        Log(clock, "gateway healthy");
        var client = new TusJsClient(server);
        var http = new TusHttp(server);

        var result = await client.UploadAsync(file, "parallel", "parallel.webm", "--parallel", "4");
        Log(clock, $"uploaded: {result.RequestSummary}");

        // Four partial uploads (POST + one PATCH each), then the final POST with Upload-Concat.
        client.AssertFinished(result, file);
        Assert.Equal(5, result.RequestCount("POST"));
        Assert.Equal(4, result.RequestCount("PATCH"));

        var head = await http.HeadAsync(result.Url);
        Assert.Equal(file.Size, head.Offset);
        Assert.Equal(file.Size, head.Length);
        Assert.NotNull(head.Concat);
        Assert.StartsWith("final;", head.Concat, StringComparison.Ordinal);
        var parts = head.Concat["final;".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, parts.Length);
        Assert.Equal(4, parts.Distinct().Count());
        Assert.DoesNotContain(new Uri(result.Url).AbsolutePath, parts);

        await http.AssertDownloadsAsync(result.Url, file);
        Log(clock, "downloaded");
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private void Log(Stopwatch clock, string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1}s {what}");
}
