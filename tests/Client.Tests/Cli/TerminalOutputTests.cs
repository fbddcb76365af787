// Why this file exists: on a terminal the uploader draws a live bar (percent, MB/s, ETA) in place; on a pipe it prints
// plain lines only, without ANSI sequences, so logs and scripts stay readable. The terminal is a real pseudo-terminal:
// a detached tmux session, read with capture-pane.

using System.Diagnostics;
using Orleans.Uploads.Client.Tests.Support;
using Orleans.Uploads.Harness;
using Xunit.Abstractions;

namespace Orleans.Uploads.Client.Tests.Cli;

public sealed partial class TerminalOutputTests(ClientGatewayFixture gateway, ITestOutputHelper output) : IClassFixture<ClientGatewayFixture>
{
    [Fact]
    public async Task In_a_terminal_the_push_draws_a_live_bar_with_percent_speed_and_time_left()
    {
        var folder = gateway.NewFolder();
        var source = Path.Combine(folder, "bar.mp4");
        await VideoFile.WriteAsync(source, 24L * 1024 * 1024, seed: 11);
        var script = Path.Combine(folder, "push.sh");
        var exports = string.Concat(CliEnvironment.For(gateway, folder).Select(e => $"export {e.Key}='{e.Value}'\n"));
        await File.WriteAllTextAsync(script, $"{exports}dotnet '{CliProcess.Assembly}' push '{source}' --chunk-size 65536 --parallel 1\necho \"EXIT=$?\"\nread -r _\n");
        var session = "uploads-cli-" + Guid.NewGuid().ToString("N")[..8];

        await TmuxAsync("new-session", "-d", "-s", session, "-x", "120", "-y", "30", $"bash '{script}'");
        try
        {
            var running = await Eventually.WaitForAsync(
                async () => await TmuxAsync("capture-pane", "-p", "-t", session) is { } pane && LiveBar().IsMatch(pane) ? pane : null,
                "the bar part way, with percent, chunks, speed and time left");
            output.WriteLine("--- while running ---\n" + running);

            var done = await Eventually.WaitForAsync(
                async () => await TmuxAsync("capture-pane", "-p", "-t", session) is { } pane && pane.Contains("EXIT=", StringComparison.Ordinal) ? pane : null,
                "the push to end", TimeSpan.FromMinutes(3));
            output.WriteLine("--- at the end ---\n" + done);
            Assert.Contains("EXIT=0", done, StringComparison.Ordinal);
            Assert.Contains("100%", done, StringComparison.Ordinal);

            // Drawn in place: no plain progress lines piled up.
            Assert.DoesNotContain("already stored", done, StringComparison.Ordinal);
        }
        finally
        {
            await TmuxAsync("kill-session", "-t", session);
        }
    }

    [Fact]
    public async Task On_a_pipe_the_push_prints_plain_lines_only()
    {
        var folder = gateway.NewFolder();
        var source = Path.Combine(folder, "plain.mp4");
        await VideoFile.WriteAsync(source, 4L * 1024 * 1024, seed: 12);

        var run = await CliProcess.RunAsync(["push", source, "--chunk-size", "262144"], CliEnvironment.For(gateway, folder));

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.DoesNotContain('\u001b', run.Stdout);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, line => Assert.StartsWith(source + ": ", line, StringComparison.Ordinal));
        Assert.Contains("0 of 16 chunks already stored", lines[0], StringComparison.Ordinal);
        Assert.Contains("done, video ", lines[^1], StringComparison.Ordinal);
    }

    /// <summary>A bar part way: <c>bar.mp4 ━━━━━━━╸━━━ 42% 161/384 chunks 9.1 MB/s ETA 00:02</c>.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"bar\.mp4 +━+.* ([1-9]\d?)% +[1-9]\d*/384 chunks +\d+\.\d MB/s ETA \d\d:\d\d")]
    private static partial System.Text.RegularExpressions.Regex LiveBar();

    private static async Task<string> TmuxAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var tmux = Process.Start(start)!;
        var output = await tmux.StandardOutput.ReadToEndAsync();
        await tmux.WaitForExitAsync();
        return output;
    }
}
