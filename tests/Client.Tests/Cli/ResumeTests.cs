// Why this file exists: an interrupted push (killed outright, or stopped with Ctrl-C) is resumed by a second push of
// the same file, which sends only the chunks the server is missing: checked against the server's own count of stored
// chunks before the second push, and the file's sha256 after it.

using System.Text.RegularExpressions;
using Orleans.Uploads.Client.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Client.Tests.Cli;

public sealed partial class ResumeTests(ClientGatewayFixture gateway) : IClassFixture<ClientGatewayFixture>
{
    private const int ChunkSize = 256 * 1024;
    private const long FileSize = 64L * 1024 * 1024;

    [Fact]
    public async Task A_killed_push_is_resumed_by_the_next_push_which_sends_only_missing_chunks() =>
        await InterruptAndResumeAsync(async cli =>
        {
            await cli.KillAsync();
        });

    [Fact]
    public async Task Ctrl_C_stops_a_push_with_exit_code_130_and_the_next_push_resumes() =>
        await InterruptAndResumeAsync(async cli =>
        {
            await cli.InterruptAsync();
            var run = await cli.WaitAsync();
            Assert.True(run.ExitCode == 130, run.Describe());
            Assert.Contains("cancelled", run.Stderr, StringComparison.Ordinal);
        });

    private async Task InterruptAndResumeAsync(Func<CliProcess, Task> interrupt)
    {
        var folder = gateway.NewFolder();
        var source = Path.Combine(folder, "long.mp4");
        var sha256 = await VideoFile.WriteAsync(source, FileSize, seed: 7);
        var environment = CliEnvironment.For(gateway, folder);
        string[] push = ["push", source, "--chunk-size", ChunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture), "--parallel", "1"];

        Guid uploadId;
        await using (var first = CliProcess.Start(push, environment))
        {
            // Plain output names the upload first; interrupt once the server holds some chunks, long before all.
            uploadId = Guid.Parse(await Eventually.WaitForAsync(
                () => Task.FromResult(UploadLine().Match(first.StdoutSoFar) is { Success: true } m ? m.Groups[1].Value : null), "the upload id line"));
            await Eventually.WaitUntilAsync(async () => (await gateway.Server.Api.GetStatusAsync(uploadId)).CompletedChunks >= 8, "some chunks stored");
            await interrupt(first);
        }

        var before = await gateway.Server.Api.GetStatusAsync(uploadId);
        Assert.True(before.CompletedChunks < before.TotalChunks, "the push finished before it was interrupted: nothing to resume");

        var second = await CliProcess.RunAsync([.. push, "--json"], environment);

        Assert.True(second.ExitCode == 0, second.Describe());
        var result = CliJson.Last(second);
        Assert.Equal(uploadId, result.GetProperty("uploadId").GetGuid());
        Assert.True(result.GetProperty("resumed").GetBoolean());
        var sent = result.GetProperty("chunksSent").GetInt32();
        var skipped = result.GetProperty("chunksSkipped").GetInt32();
        Assert.Equal(before.TotalChunks, sent + skipped);
        Assert.True(sent <= before.TotalChunks - before.CompletedChunks, $"sent {sent} chunks; the server held {before.CompletedChunks} of {before.TotalChunks} before\n{second.Describe()}");
        Assert.True(result.GetProperty("chunksAlreadyStored").GetInt32() <= 1, second.Describe());
        Assert.Equal(sha256, result.GetProperty("fileHash").GetString());
        var after = await gateway.Server.Api.GetStatusAsync(uploadId);
        Assert.Equal(("completed", before.TotalChunks), (after.Status, after.CompletedChunks));
        Assert.Equal(sha256, (await gateway.Server.Api.DownloadSha256Async(result.GetProperty("videoId").GetGuid())).Sha256);
    }

    [GeneratedRegex(@"upload ([0-9a-f\-]{36})")]
    private static partial Regex UploadLine();
}
