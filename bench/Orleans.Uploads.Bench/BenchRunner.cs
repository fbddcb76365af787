using System.Diagnostics;
using System.Text.Json;

namespace Orleans.Uploads.Bench;

/// <summary>Generates the file, runs each scenario against fresh server processes, verifies every stored file, reports.</summary>
public static class BenchRunner
{
    private const int Seed = 20_240_601;
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromMinutes(15);

    public static bool PerfMapEnabled { get; private set; }

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        PerfMapEnabled = options.Perf;
        var machine = MachineInfo.Read();
        var workRoot = Path.Combine(Path.GetTempPath(), $"orleans-uploads-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(workRoot);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Cleanup(workRoot);
        var results = new List<ScenarioResult>();
        var started = Stopwatch.StartNew();
        try
        {
            Console.WriteLine(machine.Describe());
            Console.WriteLine($"file: {Sizes.Format(options.FileSize)}, runs: {options.Runs}, scenarios: {string.Join(", ", options.Scenarios)}");
            Console.WriteLine($"work directory: {workRoot}");
            if (options.ServerEnvironment.Count > 0)
            {
                Console.WriteLine($"server environment: {string.Join(" ", options.ServerEnvironment.Select(p => $"{p.Key}={p.Value}"))}");
            }

            var clock = Stopwatch.StartNew();
            using var file = await BenchFile.CreateAsync(Path.Combine(workRoot, "input.bin"), options.FileSize, [WarmupLength(options), QuarterLength(options)], Seed);
            Console.WriteLine($"generated {Sizes.Format(file.Size)} in {clock.Elapsed.TotalSeconds:F1} s, sha256 {file.Sha256}");

            foreach (var name in options.Scenarios)
            {
                var scenario = Scenarios.Get(name);
                Console.WriteLine();
                Console.WriteLine($"== {scenario.Name}: {scenario.Description}");
                var directory = Path.Combine(workRoot, scenario.Name);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(ScenarioTimeout);
                var result = new ScenarioResult(scenario);
                try
                {
                    await ScenarioRunner.RunAsync(scenario, result, file, options, directory, timeout.Token);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    result.Error = ex.Message.Split('\n')[0];
                    Console.WriteLine($"   FAILED: {ex}");
                }
                finally
                {
                    TryDelete(directory);
                }

                results.Add(result);
                Console.WriteLine("   " + Report.OneLine(result, results));
                if (result.Error is not null && options.FailFast)
                {
                    break;
                }
            }

            var report = Report.Markdown(machine, options, results, started.Elapsed);
            Console.WriteLine();
            Console.WriteLine(report);
            if (options.ResultsDirectory is { } resultsDirectory)
            {
                Directory.CreateDirectory(resultsDirectory);
                await File.WriteAllTextAsync(Path.Combine(resultsDirectory, "results.md"), report, CancellationToken.None);
                await File.WriteAllTextAsync(
                    Path.Combine(resultsDirectory, "results.json"),
                    JsonSerializer.Serialize(new { machine, options = new { options.FileSize, options.Runs, options.Scenarios, options.ManyUploads, options.ManyClients, options.ServerEnvironment }, results }, JsonOptions),
                    CancellationToken.None);
                foreach (var result in results.Where(r => r.Profile is not null))
                {
                    await File.WriteAllTextAsync(Path.Combine(resultsDirectory, $"perf-{result.Name}.txt"), result.Profile, CancellationToken.None);
                }

                Console.WriteLine($"results written to {Path.GetFullPath(resultsDirectory)}");
            }

            Console.WriteLine($"total time {started.Elapsed.TotalMinutes:F1} min");
            return results.Any(r => r.Error is not null) ? 1 : 0;
        }
        finally
        {
            ServerSet.KillAll();
            Cleanup(workRoot);
        }
    }

    public static long WarmupLength(BenchOptions options) => Math.Min(16L * Sizes.MiB, options.FileSize);

    /// <summary>A quarter of the file, whole MiB: the warm-up rounds and the GC scenario's smaller upload.</summary>
    public static long QuarterLength(BenchOptions options) => Math.Max(Sizes.MiB, options.FileSize / 4 / Sizes.MiB * Sizes.MiB);

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static void Cleanup(string workRoot) => TryDelete(workRoot);

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"could not remove {directory}: {ex.Message}");
        }
    }
}
