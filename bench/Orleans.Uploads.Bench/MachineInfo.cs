using System.Diagnostics;
using System.Runtime.InteropServices;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Bench;

/// <summary>What the numbers were measured on: recorded with every report.</summary>
public sealed record MachineInfo(int Processors, string CpuModel, long MemoryBytes, string Os, string Runtime, string Commit, bool Dirty, DateTimeOffset When)
{
    public static MachineInfo Read()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        var memoryKb = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var commit = Git("rev-parse HEAD").Trim();
        var dirty = Git("status --porcelain --untracked-files=no").Trim().Length > 0;
        return new MachineInfo(
            Environment.ProcessorCount, cpu, long.Parse(memoryKb, System.Globalization.CultureInfo.InvariantCulture) * 1024,
            RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, commit, dirty, DateTimeOffset.UtcNow);
    }

    public string Describe() =>
        $"machine: nproc {Processors}, {CpuModel}, {MemoryBytes / (double)Sizes.GiB:F1} GiB RAM, {Os}, {Runtime}, commit {Commit[..Math.Min(12, Commit.Length)]}{(Dirty ? " (with uncommitted changes)" : "")}";

    private static string Git(string arguments)
    {
        try
        {
            var start = new ProcessStartInfo("git", arguments) { WorkingDirectory = RepositoryPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
            using var git = Process.Start(start)!;
            var output = git.StandardOutput.ReadToEnd();
            git.WaitForExit();
            return git.ExitCode == 0 ? output : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
