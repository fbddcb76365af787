using System.Diagnostics;
using System.Globalization;
using Orleans.Uploads.EndToEnd.Tests.Tus;
using Orleans.Uploads.Harness;
using Xunit.Abstractions;
using static Orleans.Uploads.EndToEnd.Tests.Tus.TusJsClient;

namespace Orleans.Uploads.EndToEnd.Tests.Ietf;

/// <summary>
/// The real tus-js-client 4.3.1 speaking the IETF resumable-upload draft (<c>protocol: 'ietf-draft-03'</c>, interop 5,
/// and <c>'ietf-draft-05'</c>, interop 6) to the built gateway running as a real process: a whole file in one append,
/// 5 MiB appends, and an upload aborted half way then resumed by a new client process from its URL. Every upload is read
/// back and compared by sha256.
/// </summary>
public sealed class IetfJsClientTests(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;

    private static readonly Dictionary<string, string> GatewayEnvironment = new() { ["Uploads__MaxFileSize"] = (1L << 30).ToString(CultureInfo.InvariantCulture) };

    public static TheoryData<string, int> Protocols => new() { { "ietf-draft-03", 5 }, { "ietf-draft-05", 6 } };

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task A_whole_file_goes_up_in_one_append_and_downloads_byte_for_byte(string protocol, int interop)
    {
        RequireInstalled();
        var clock = Stopwatch.StartNew();
        using var directory = new TempDirectory("uploads-ietf-js");
        var file = await RandomFile.CreateAsync(directory.Combine("source.bin"), (12L * MiB) + 777, seed: 16_0001 + interop);
        await using var server = await GatewayServer.StartAsync(directory.Path, environment: GatewayEnvironment);
        var client = new TusJsClient(server);

        var result = await client.UploadAsync(file, "whole", "draft.mp4", "--protocol", protocol);
        Log(clock, $"uploaded: {result.RequestSummary}");

        client.AssertFinished(result, file);
        Assert.Equal(1, result.RequestCount("POST"));
        Assert.Equal(1, result.RequestCount("PATCH"));
        var head = await IetfHead.OfAsync(server, result.Url, interop);
        Assert.Equal((file.Size, true), (head.Offset, head.Complete));
        await new TusHttp(server).AssertDownloadsAsync(result.Url, file);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Five_MiB_appends_carry_the_file_and_only_the_last_completes_it(string protocol, int interop)
    {
        RequireInstalled();
        var clock = Stopwatch.StartNew();
        using var directory = new TempDirectory("uploads-ietf-js");
        var file = await RandomFile.CreateAsync(directory.Combine("source.bin"), (12L * MiB) + 99, seed: 16_0011 + interop);
        await using var server = await GatewayServer.StartAsync(directory.Path, environment: GatewayEnvironment);
        var client = new TusJsClient(server);

        var result = await client.UploadAsync(file, "chunked", "chunks.mp4", "--protocol", protocol, "--chunk-size", Bytes(5 * MiB));
        Log(clock, $"uploaded: {result.RequestSummary}");

        client.AssertFinished(result, file);
        Assert.Equal(1, result.RequestCount("POST"));
        Assert.Equal(3, result.RequestCount("PATCH"));
        await new TusHttp(server).AssertDownloadsAsync(result.Url, file);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task An_upload_aborted_half_way_resumes_from_its_URL_at_the_server_offset(string protocol, int interop)
    {
        RequireInstalled();
        var clock = Stopwatch.StartNew();
        using var directory = new TempDirectory("uploads-ietf-js");
        var file = await RandomFile.CreateAsync(directory.Combine("source.bin"), (10L * MiB) + 4_321, seed: 16_0021 + interop);
        await using var server = await GatewayServer.StartAsync(directory.Path, environment: GatewayEnvironment);
        var client = new TusJsClient(server);

        var aborted = await client.UploadAsync(file, "chunked", "resumed.mp4", "--protocol", protocol, "--chunk-size", Bytes(MiB), "--abort-after-bytes", Bytes(4 * MiB));
        Log(clock, $"aborted at {aborted.BytesUploaded}: {aborted.RequestSummary}");
        Assert.True(aborted.Aborted, "the client did not abort\n" + aborted.Run?.Describe());
        Assert.Equal(4 * MiB, aborted.BytesUploaded);
        var head = await IetfHead.OfAsync(server, aborted.Url, interop);
        Assert.Equal((4L * MiB, false), (head.Offset, head.Complete));

        var resumed = await client.ResumeAsync(file, aborted.Url, "--protocol", protocol);
        Log(clock, $"resumed from {resumed.FirstPatchOffset}: {resumed.RequestSummary}");

        client.AssertFinished(resumed, file);
        Assert.Equal(aborted.Url, resumed.Url);
        Assert.Equal(0, resumed.RequestCount("POST"));
        Assert.Equal(1, resumed.RequestCount("HEAD"));
        Assert.Equal(1, resumed.RequestCount("PATCH"));
        Assert.Equal(4 * MiB, resumed.FirstPatchOffset);
        await new TusHttp(server).AssertDownloadsAsync(resumed.Url, file);
    }

    private void Log(Stopwatch clock, string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1}s {what}");
}
