using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Orleans.Uploads.EndToEnd.Tests.Tus;

/// <summary>One finished run of a client program: its command line, exit code and everything it printed.</summary>
public sealed record ClientRun(string CommandLine, int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public string Describe() =>
        $"$ {CommandLine}\nexit code {ExitCode} after {Elapsed.TotalSeconds:F1}s\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>
/// Runs a real client program (node, curl) to its end, bounded by a timeout: a run that overstays is killed with its
/// children and fails the test with what it printed. No run outlives the call.
/// </summary>
public static class ClientProcess
{
    /// <param name="environment">Added to the program's environment: where secrets go (argv is visible to everyone in ps), and never in <see cref="ClientRun.CommandLine"/>.</param>
    public static async Task<ClientRun> RunAsync(
        string program, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var commandLine = string.Join(' ', new[] { program }.Concat(arguments).Select(Quote));
        using var process = new Process { StartInfo = start };
        var clock = Stopwatch.StartNew();
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"cannot run '{program}' ({ex.Message}): run scripts/install-test-prerequisites.sh to install the test clients", ex);
        }

        try
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                Assert.Fail($"{program} did not finish within {timeout.TotalSeconds:F0}s and was killed\n"
                    + new ClientRun(commandLine, process.ExitCode, await stdout, await stderr, clock.Elapsed).Describe());
            }

            return new ClientRun(commandLine, process.ExitCode, await stdout, await stderr, clock.Elapsed);
        }
        finally
        {
            // Whatever went wrong above, the program does not outlive the test.
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@,+%".Contains(c, StringComparison.Ordinal))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
