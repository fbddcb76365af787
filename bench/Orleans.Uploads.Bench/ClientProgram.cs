using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Orleans.Uploads.Bench;

/// <summary>What a client program printed, and how it ended.</summary>
public sealed record ClientProgramRun(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Runs a real client program (curl, node) of the tus client-shape scenarios to its end and fails the upload when it
/// does not exit 0. Its CPU is counted by <see cref="ChildCpu"/> once it has exited. Credentials go on stdin or in the
/// environment, never on the command line (argv is visible to every user of the machine). The program never outlives
/// the call: cancelled, it is killed with its children.
/// </summary>
public static class ClientProgram
{
    public static async Task<ClientProgramRun> RunAsync(
        string program, IReadOnlyList<string> arguments, string workingDirectory, string? stdin,
        IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"cannot run '{program}' ({ex.Message}): the tus client-shape scenarios need curl and node on PATH", ex);
        }

        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin.AsMemory(), cancellationToken);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(cancellationToken);
            var run = new ClientProgramRun(process.ExitCode, await stdout, await stderr);
            return run.ExitCode == 0
                ? run
                : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {run.ExitCode}\n--- stdout ---\n{run.Stdout}\n--- stderr ---\n{run.Stderr}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }
    }
}
