// Why this exists: the upload page is the service's face for people; these tests use it as a person would, in a real
// browser (Debian's chromium, headless) against the built gateway as a real process, and check the server's side of
// each story: the stored bytes (sha256 of the download), the chunks it received, the refusal it sent.

using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Orleans.Uploads.Harness;
using Xunit.Abstractions;

namespace Orleans.Uploads.EndToEnd.Tests.Browser;

public sealed class BrowserUploadTests(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;
    private const int SmallChunk = 64 * 1024;

    private static readonly Dictionary<string, string> GatewayEnvironment = new()
    {
        ["Uploads__MaxFileSize"] = (1L << 30).ToString(CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task A_file_picked_on_the_page_reaches_100_percent_and_downloads_byte_for_byte()
    {
        UploadPageDriver.RequireInstalled();
        using var directory = new TempDirectory("uploads-browser");
        var file = await RandomFile.CreateAsync(directory.Combine("holiday.mp4"), (3L * MiB) + 1_234, seed: 13_0001);
        await using var server = await GatewayServer.StartAsync(directory.Path, environment: GatewayEnvironment);

        var run = await new UploadPageDriver(server).RunAsync("upload", [file.Path], query: $"chunkSize={MiB}");
        output.WriteLine($"page.mjs took {run.Run?.Elapsed.TotalSeconds:F1}s");

        var row = AssertCompleted(run, "holiday.mp4", server);
        Assert.Equal("4 / 4 chunks", row.Chunks);
        Assert.Equal(4, run.ChunkResponses.Count(response => response.Status == 200));
        await AssertStoredAsync(server, run, row, file);
    }

    [Fact]
    public async Task Reloaded_mid_upload_the_same_file_picked_again_sends_only_the_chunks_the_server_lacks()
    {
        const int heldAfter = 5;
        UploadPageDriver.RequireInstalled();
        using var directory = new TempDirectory("uploads-browser");
        var file = await RandomFile.CreateAsync(directory.Combine("interrupted.mp4"), MiB + 4_321, seed: 13_0002);
        var totalChunks = file.ChunkCount(SmallChunk);
        await using var server = await GatewayServer.StartAsync(directory.Path, environment: GatewayEnvironment);

        var run = await new UploadPageDriver(server).RunAsync(
            "reload", [file.Path], query: $"chunkSize={SmallChunk}&maxConcurrentChunks=1", holdAfter: heldAfter);
        output.WriteLine($"page.mjs took {run.Run?.Elapsed.TotalSeconds:F1}s; after the reload it sent chunks {string.Join(',', run.ChunksAfterReload ?? [])}");

        // Before the reload the server held exactly the chunks the page was let through.
        var before = run.StatusBeforeReload ?? throw new InvalidOperationException(run.Run?.Describe());
        Assert.Equal(totalChunks, before.TotalChunks);
        Assert.Equal(heldAfter, before.CompletedChunks);
        Assert.Equal(Enumerable.Range(heldAfter, totalChunks - heldAfter), before.MissingChunks);
        Assert.Equal(heldAfter + 1, run.PutsBeforeReload);

        // After it, the same upload resumed, and only the missing chunks were sent.
        var row = AssertCompleted(run, "interrupted.mp4", server);
        Assert.Equal(run.UploadIdBeforeReload, row.UploadId);
        Assert.Equal(before.MissingChunks, run.ChunksAfterReload!.Order());
        Assert.Equal($"{totalChunks} / {totalChunks} chunks", row.Chunks);

        // The server received every chunk once: none twice, the held one never.
        using var statistics = await server.Api.SendStatisticsAsync();
        Assert.Equal(HttpStatusCode.OK, statistics.StatusCode);
        var totals = JsonDocument.Parse(await statistics.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(totalChunks, totals.GetProperty("chunksReceived").GetInt64());
        await AssertStoredAsync(server, run, row, file);
    }

    [Fact]
    public async Task A_file_the_server_refuses_shows_the_servers_message_in_its_row()
    {
        UploadPageDriver.RequireInstalled();
        using var directory = new TempDirectory("uploads-browser");
        var path = directory.Combine("notes.txt");
        await File.WriteAllTextAsync(path, "not a video, only some notes\n", Encoding.UTF8);
        await using var server = await GatewayServer.StartAsync(directory.Path, environment: GatewayEnvironment);

        // What the server says to anyone who offers this file.
        using var refusal = await server.Api.SendInitiateAsync(new { filename = "notes.txt", fileSize = new FileInfo(path).Length });
        var problem = JsonDocument.Parse(await refusal.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refusal.StatusCode);
        Assert.Equal("unsupported_file_type", problem.GetProperty("code").GetString());
        var detail = problem.GetProperty("detail").GetString()!;

        var run = await new UploadPageDriver(server).RunAsync("refused", [path]);

        var row = run.Row("notes.txt");
        Assert.True(row.Status == "failed", $"row {row}\n{run.Run?.Describe()}");
        Assert.NotNull(row.Error);
        Assert.Contains(detail, row.Error, StringComparison.Ordinal);
        Assert.Empty(run.ChunkResponses);
        Assert.Empty(run.Videos);
    }

    [Fact]
    public async Task Two_files_picked_at_once_both_complete_and_download_byte_for_byte()
    {
        UploadPageDriver.RequireInstalled();
        using var directory = new TempDirectory("uploads-browser");
        var first = await RandomFile.CreateAsync(directory.Combine("first.mp4"), (2L * MiB) + 17, seed: 13_0003);
        var second = await RandomFile.CreateAsync(directory.Combine("second.webm"), MiB + 99_999, seed: 13_0004, extension: ".webm");
        await using var server = await GatewayServer.StartAsync(directory.Path, environment: GatewayEnvironment);

        var run = await new UploadPageDriver(server).RunAsync("upload", [first.Path, second.Path], query: $"chunkSize={512 * 1024}");
        output.WriteLine($"page.mjs took {run.Run?.Elapsed.TotalSeconds:F1}s");

        var firstRow = AssertCompleted(run, "first.mp4", server);
        var secondRow = AssertCompleted(run, "second.webm", server);
        Assert.NotEqual(firstRow.UploadId, secondRow.UploadId);
        await AssertStoredAsync(server, run, firstRow, first);
        await AssertStoredAsync(server, run, secondRow, second);
    }

    private static PageRow AssertCompleted(PageRun run, string fileName, GatewayServer server)
    {
        var row = run.Row(fileName);
        var context = $"row {row}\npage errors: {string.Join(" | ", run.PageErrors)}\n{run.Run?.Describe()}\n--- gateway ---\n{server.Process.Output}";
        Assert.True(row.Status == "completed", context);
        Assert.True(row.Percent == "100.0%", context);
        Assert.True(row.ProgressMax is > 0 && row.ProgressValue == row.ProgressMax, context);
        Assert.True(string.IsNullOrEmpty(row.Error), context);
        Assert.True(Guid.TryParse(row.UploadId, out _), context);
        Assert.Empty(run.PageErrors);
        return row;
    }

    /// <summary>The server's upload is complete and its video downloads with the file's length and sha256.</summary>
    private static async Task AssertStoredAsync(GatewayServer server, PageRun run, PageRow row, RandomFile file)
    {
        var status = await server.Api.GetStatusAsync(Guid.Parse(row.UploadId!));
        Assert.Equal(status.TotalChunks, status.CompletedChunks);
        Assert.Equal((file.Size, file.Sha256), await server.Api.DownloadSha256Async(run.VideoOf(row)));
    }
}
