// Why this exists: with access control on, the page itself loads without a credential (it holds no secret), and the
// person using it types an API key into its credential field. These tests run that in the browser: with the key the
// upload completes and downloads byte for byte; without it the page says a credential is needed and stores nothing.

using System.Globalization;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.EndToEnd.Tests.Browser;

public sealed class BrowserAccessTests
{
    private const int MiB = 1024 * 1024;

    private static readonly Dictionary<string, string> GatewayEnvironment = new()
    {
        ["Uploads__MaxFileSize"] = (1L << 30).ToString(CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task With_an_API_key_typed_into_the_page_the_upload_completes_and_downloads_byte_for_byte()
    {
        UploadPageDriver.RequireInstalled();
        using var directory = new TempDirectory("uploads-browser");
        var file = await RandomFile.CreateAsync(directory.Combine("keyed.mp4"), (2L * MiB) + 321, seed: 13_0101);
        var keys = AccessKeys.Generate();
        await using var server = await GatewayServer.StartAsync(directory.Path, environment: GatewayEnvironment, access: keys);

        var run = await new UploadPageDriver(server, keys.ApiKey).RunAsync("upload", [file.Path], query: $"chunkSize={MiB}");

        var row = run.Row("keyed.mp4");
        Assert.True(row.Status == "completed", $"row {row}\n{run.Run?.Describe()}\n{server.Process.Output}");
        Assert.Equal("100.0%", row.Percent);
        Assert.Equal((file.Size, file.Sha256), await server.Api.DownloadSha256Async(run.VideoOf(row)));
    }

    [Fact]
    public async Task Without_a_credential_the_page_says_one_is_needed_and_nothing_is_stored()
    {
        UploadPageDriver.RequireInstalled();
        using var directory = new TempDirectory("uploads-browser");
        var file = await RandomFile.CreateAsync(directory.Combine("anonymous.mp4"), MiB + 5, seed: 13_0102);
        await using var server = await GatewayServer.StartAsync(directory.Path, environment: GatewayEnvironment, access: AccessKeys.Generate());

        var run = await new UploadPageDriver(server).RunAsync("refused", [file.Path]);

        var row = run.Row("anonymous.mp4");
        Assert.True(row.Status == "failed", $"row {row}\n{run.Run?.Describe()}");
        Assert.NotNull(run.Notice);
        Assert.Contains("credential", run.Notice, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(run.ChunkResponses);
        Assert.Empty(run.Videos);
    }
}
