using System.Diagnostics;
using System.Globalization;

namespace Orleans.Uploads.Bench;

/// <summary>
/// <c>--perf</c>: samples the scenario's server processes with <c>perf record</c> (cpu-clock, 499 Hz, user and kernel)
/// over the measured runs and returns <c>perf report</c>'s flat profile by process, library and symbol. JIT-compiled
/// frames resolve through the /tmp/perf-PID.map files the servers write when DOTNET_PerfMapEnabled=1; the
/// <see cref="ServerSet"/> removes those when it stops the servers.
/// </summary>
public sealed class PerfSession : IAsyncDisposable
{
    private readonly Process _perf;
    private readonly string _dataFile;
    private readonly List<(string Role, int Pid)> _processes;
    private bool _stopped;

    private PerfSession(Process perf, string dataFile, List<(string Role, int Pid)> processes)
    {
        _perf = perf;
        _dataFile = dataFile;
        _processes = processes;
    }

    public static PerfSession? Start(ServerSet servers, string directory)
    {
        var dataFile = Path.Combine(directory, "perf.data");
        var pids = servers.Processes.Select(p => p.Pid).ToList();
        var start = new ProcessStartInfo("perf") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "record", "-e", "cpu-clock", "-F", "499", "-p", string.Join(',', pids), "-o", dataFile })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            var perf = Process.Start(start)!;
            Thread.Sleep(500);
            return new PerfSession(perf, dataFile, [.. servers.Processes.Select(p => (p.Role, p.Pid))]);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Console.WriteLine($"   --perf: could not start perf ({ex.Message}); install linux-perf");
            return null;
        }
    }

    public async Task<string> StopAsync()
    {
        _stopped = true;
        using (var kill = Process.Start("kill", ["-INT", _perf.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _perf.WaitForExitAsync(wait.Token);
        var report = new System.Text.StringBuilder();
        foreach (var (role, pid) in _processes)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"## {role} (pid {pid}): samples by thread name and library");
            report.AppendLine(await ReportAsync(pid, "comm,dso", "1"));
            report.AppendLine(CultureInfo.InvariantCulture, $"## {role} (pid {pid}): samples by library and symbol (>= 0.3%)");
            report.AppendLine(await ReportAsync(pid, "dso,sym", "0.3"));
        }

        return report.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped && !_perf.HasExited)
        {
            _perf.Kill();
            await _perf.WaitForExitAsync();
        }

        _perf.Dispose();
    }

    private async Task<string> ReportAsync(int pid, string sort, string percentLimit)
    {
        var start = new ProcessStartInfo("perf") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "report", "-i", _dataFile, "--pid", pid.ToString(CultureInfo.InvariantCulture), "--stdio", "--no-children", "--sort", sort, "--percent-limit", percentLimit })
        {
            start.ArgumentList.Add(argument);
        }

        using var report = Process.Start(start)!;
        var output = await report.StandardOutput.ReadToEndAsync();
        await report.WaitForExitAsync();
        return string.Join('\n', output.Split('\n').Where(line => line.Length > 0 && !line.StartsWith("# ", StringComparison.Ordinal) && line != "#"));
    }
}
