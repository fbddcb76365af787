// Why this file exists: the uploader is tested as users run it, as a real process (the built Orleans.Uploads.Cli.dll
// under `dotnet`), its stdout a pipe. A run can be awaited to its end, or interrupted (SIGINT, as Ctrl-C) or killed
// mid-way; no run outlives its test.

using System.Diagnostics;
using System.Text;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Client.Tests.Support;

/// <summary>A finished run: exit code and everything printed.</summary>
public sealed record CliRun(string Arguments, int ExitCode, string Stdout, string Stderr)
{
    public string Describe() => $"$ orleans-uploads {Arguments}\nexit code {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>One uploader process, started with its environment (the API key goes there, never in argv).</summary>
public sealed class CliProcess : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(3);

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly string _arguments;

    private CliProcess(Process process, string arguments)
    {
        _process = process;
        _arguments = arguments;
    }

    /// <summary>The built uploader, in the configuration these tests were built with.</summary>
    public static string Assembly => RepositoryPaths.BuiltAssembly("Cli", "Orleans.Uploads.Cli");

    public int Id => _process.Id;

    public string StdoutSoFar
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public static CliProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Assembly);
        var list = arguments.ToList();
        list.ForEach(start.ArgumentList.Add);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var cli = new CliProcess(new Process { StartInfo = start }, string.Join(' ', list));
        cli._process.OutputDataReceived += (_, e) => Append(cli._stdout, e.Data);
        cli._process.ErrorDataReceived += (_, e) => Append(cli._stderr, e.Data);
        cli._process.Start();
        cli._process.StandardInput.Close();
        cli._process.BeginOutputReadLine();
        cli._process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Runs the uploader to its end (killed and failed after <paramref name="timeout"/>).</summary>
    public static async Task<CliRun> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, TimeSpan? timeout = null)
    {
        await using var cli = Start(arguments, environment);
        return await cli.WaitAsync(timeout);
    }

    /// <summary>Waits for the end of the run; a run that overstays is killed and fails the test with what it printed.</summary>
    public async Task<CliRun> WaitAsync(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            Assert.Fail("the uploader did not finish in time and was killed\n" + Result().Describe());
        }

        // The exit event can precede the last redirected lines; the parameterless wait drains them.
        await _process.WaitForExitAsync();
        return Result();
    }

    /// <summary>SIGINT, as Ctrl-C in a terminal.</summary>
    public async Task InterruptAsync()
    {
        using var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>SIGKILL: the process ends at once, mid-request.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private CliRun Result()
    {
        lock (_stdout)
        {
            lock (_stderr)
            {
                return new CliRun(_arguments, _process.HasExited ? _process.ExitCode : -1, _stdout.ToString(), _stderr.ToString());
            }
        }
    }

    private static void Append(StringBuilder to, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (to)
        {
            to.AppendLine(line);
        }
    }
}
