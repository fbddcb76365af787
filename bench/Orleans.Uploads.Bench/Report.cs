using System.Globalization;
using System.Text;

namespace Orleans.Uploads.Bench;

/// <summary>Markdown tables of the results, and where each target stands.</summary>
public static class Report
{
    private const double MB = 1_000_000;

    public static string OneLine(ScenarioResult result, IReadOnlyList<ScenarioResult> all)
    {
        if (result.Error is not null)
        {
            return $"{result.Name}: FAILED ({result.Error})";
        }

        var text = new StringBuilder($"{result.Name}: ");
        if (result.MedianMiBPerSecond is { } median)
        {
            text.Append(Invariant($"{median:F1} MiB/s median"));
            if (Ratio(result, all) is { } ratio)
            {
                text.Append(Invariant($" ({ratio:F2}x {result.BaselineName})"));
            }
        }

        text.Append(Invariant($", peak RSS {Rss(result)}, {result.FilesVerified} stored file(s) verified"));
        return text.ToString();
    }

    public static string Markdown(MachineInfo machine, BenchOptions options, IReadOnlyList<ScenarioResult> results, TimeSpan elapsed)
    {
        var md = new StringBuilder();
        md.AppendLine("## Results");
        md.AppendLine();
        md.AppendLine(Invariant($"- machine: nproc {machine.Processors}, CPU `{machine.CpuModel}`, {machine.MemoryBytes / (double)Sizes.GiB:F1} GiB RAM, {machine.Os}"));
        md.AppendLine(Invariant($"- runtime: {machine.Runtime}; commit `{machine.Commit}`{(machine.Dirty ? " (with uncommitted changes)" : "")}; {machine.When:yyyy-MM-dd HH:mm} UTC"));
        md.AppendLine(Invariant($"- file: {Sizes.Format(options.FileSize)} of random bytes; {options.Runs} measured run(s) per scenario after unmeasured warm-ups ({Sizes.Format(BenchRunner.WarmupLength(options))}, then {Sizes.Format(BenchRunner.QuarterLength(options))} uploads until the servers' JIT is quiet); total bench time {elapsed.TotalMinutes:F1} min"));
        if (options.ServerEnvironment.Count > 0)
        {
            md.AppendLine($"- extra server environment: `{string.Join(" ", options.ServerEnvironment.Select(p => $"{p.Key}={p.Value}"))}`");
        }

        md.AppendLine();
        md.AppendLine("MiB/s = 2^20 bytes per second of wall time from the first request to the last response (the last chunk's response includes completion: the file's sha256 check and the rename). " +
            "CPU = utime+stime of the server process(es) per run; RSS = VmHWM of the server process(es), fresh per scenario; GC = per run, counts as GC.CollectionCount reports them (a gen2 GC also counts as gen0 and gen1); alloc and LOH per GiB uploaded.");
        md.AppendLine();
        md.AppendLine("| scenario | MiB/s median (min-max) | x its baseline (name) | server CPU s/run | CPU s per GiB | peak RSS MiB | client CPU s/run | GC gen0/gen1/gen2 per run | alloc MiB per GiB | LOH MiB per GiB | JIT ms per run | verified |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var result in results)
        {
            if (result.Error is not null)
            {
                md.AppendLine($"| {result.Name} | FAILED: {result.Error.Replace("|", "/", StringComparison.Ordinal)} | | | | | | | | | | |");
                continue;
            }

            if (result.Kind == ScenarioKind.Gc)
            {
                continue;
            }

            var runs = result.Runs;
            var speeds = runs.Select(r => r.MiBPerSecond).ToList();
            var cpu = Stats.Median(runs.Select(r => r.ServerCpuTotal));
            var gib = result.BytesMeasured / (double)Sizes.GiB;
            md.Append($"| {result.Name} ");
            md.Append(Invariant($"| {Stats.Median(speeds):F1} ({speeds.Min():F1}-{speeds.Max():F1}) "));
            md.Append($"| {(Ratio(result, results) is { } ratio ? Invariant($"{ratio:F2} ({result.BaselineName})") : result.BaselineName is null ? "1.00" : "-")} ");
            md.Append($"| {PerProcess(Invariant($"{cpu:F2}"), runs[0].ServerCpuSeconds.Keys.Select(k => (k, Stats.Median(runs.Select(r => r.ServerCpuSeconds[k])))), "F2")} ");
            md.Append(Invariant($"| {runs.Sum(r => r.ServerCpuTotal) / gib:F2} "));
            md.Append($"| {Rss(result)} ");
            md.Append(Invariant($"| {Stats.Median(runs.Select(r => r.ClientCpuSeconds)):F2} "));
            md.Append($"| {GcPerRun(result)} ");
            md.Append($"| {PerGib(result, d => d.AllocatedBytes)} ");
            md.Append($"| {PerGib(result, d => d.LargeTickBytes)} ");
            md.Append(Invariant($"| {result.Gc.Values.Sum(d => d?.JitMs ?? 0) / (double)Math.Max(1, runs.Count):F0} "));
            md.AppendLine($"| {result.FilesVerified} |");
        }

        var lohLines = results.Where(r => r.Error is null)
            .SelectMany(r => (r.Kind == ScenarioKind.Gc ? r.GcSteps.SelectMany(s => s.Gc) : r.Gc)
                .Where(p => p.Value is { LargeTypes.Count: > 0 })
                .GroupBy(p => p.Key)
                .Select(g => (Scenario: r.Name, Role: g.Key, Types: g.SelectMany(p => p.Value!.LargeTypes).GroupBy(t => t.Key).ToDictionary(t => t.Key, t => t.Sum(x => x.Value)), Bytes: r.BytesMeasured)))
            .ToList();
        if (lohLines.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Large-object-heap allocations by type (sampled by the runtime's GCAllocationTick events), over the measured runs:");
            md.AppendLine();
            foreach (var (scenario, role, types, bytes) in lohLines)
            {
                md.AppendLine($"- {scenario} / {role}: {string.Join(", ", types.OrderByDescending(t => t.Value).Take(4).Select(t => Invariant($"`{t.Key}` {t.Value / (double)Sizes.MiB:F0} MiB")))}");
            }
        }

        var manySmall = results.Where(r => r.Kind == ScenarioKind.ManySmall && r.Error is null).ToList();
        if (manySmall.Count > 0)
        {
            md.AppendLine();
            md.AppendLine(Invariant($"Many small uploads ({manySmall[0].Uploads} sessions of {Sizes.Format(options.SmallUploadSize)}, {options.ManyClients} clients in flight, {manySmall[0].Runs.Count} run(s)); the request timed is the chunk PUT (seed) or the PATCH (tus), completion included:"));
            md.AppendLine();
            md.AppendLine("| scenario | uploads/s median | chunk PUT / PATCH p50 ms | p99 ms | whole upload p50 ms | p99 ms | server CPU ms per upload |");
            md.AppendLine("|---|---|---|---|---|---|---|");
            foreach (var many in manySmall)
            {
                md.AppendLine(Invariant($"| {many.Name} | {many.UploadsPerSecond:F1} | {many.ChunkP50Ms:F1} | {many.ChunkP99Ms:F1} | {many.UploadP50Ms:F1} | {many.UploadP99Ms:F1} | {Stats.Median(many.Runs.Select(r => r.ServerCpuTotal)) * 1000 / many.Uploads:F1} |"));
            }
        }

        var gc = results.FirstOrDefault(r => r.Kind == ScenarioKind.Gc && r.Error is null);
        if (gc is not null)
        {
            md.AppendLine();
            md.AppendLine("GC during one long upload (seed API, 3 in flight, standalone), the smaller upload first, in the same server process:");
            md.AppendLine();
            md.AppendLine("| upload | chunks | MiB/s | gen0 | gen1 | gen2 (reasons) | GC pause ms | allocated MiB | alloc KiB per chunk | alloc MiB per GiB | LOH MiB | SOH/LOH/POH sampled MiB |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var step in gc.GcSteps)
            {
                foreach (var (role, delta) in step.Gc)
                {
                    if (delta is null)
                    {
                        continue;
                    }

                    var label = step.Gc.Count > 1 ? $"{step.Label} ({role})" : step.Label;
                    var mib = delta.AllocatedBytes / (double)Sizes.MiB;
                    var gib = step.Bytes / (double)Sizes.GiB;
                    var speed = step.Bytes / (double)Sizes.MiB / step.Seconds;
                    var heaps = Invariant($"{delta.SmallTickBytes / (double)Sizes.MiB:F1}/{delta.LargeTickBytes / (double)Sizes.MiB:F1}/{delta.PinnedTickBytes / (double)Sizes.MiB:F1}");
                    md.AppendLine(Invariant($"| {label} | {step.Chunks} | {speed:F1} | {delta.Gen0} | {delta.Gen1} | {delta.Gen2}{Reasons(delta)} | {delta.PauseMs} | {mib:F1} | {delta.AllocatedBytes / 1024.0 / step.Chunks:F0} | {mib / gib:F1} | {delta.LargeTickBytes / (double)Sizes.MiB:F1} | {heaps} |"));
                }
            }

            if (gc.GcSteps.Count == 2 && gc.GcSteps[0].Gc.Values.FirstOrDefault() is { } small && gc.GcSteps[1].Gc.Values.FirstOrDefault() is { } large)
            {
                var smallPerChunk = small.AllocatedBytes / (double)gc.GcSteps[0].Chunks;
                var largePerChunk = large.AllocatedBytes / (double)gc.GcSteps[1].Chunks;
                md.AppendLine();
                md.AppendLine(Invariant($"Allocated per chunk: {smallPerChunk / 1024:F0} KiB at {gc.GcSteps[0].Label} vs {largePerChunk / 1024:F0} KiB at {gc.GcSteps[1].Label} ({largePerChunk / smallPerChunk:F2}x for a {gc.GcSteps[1].Bytes / (double)gc.GcSteps[0].Bytes:F0}x longer file)."));
            }
        }

        md.AppendLine();
        md.AppendLine("### Targets");
        md.AppendLine();
        md.AppendLine("| target | measured | status |");
        md.AppendLine("|---|---|---|");
        Target(md, results, "seed-3", "seed API, 3 in flight, standalone >= 0.95x baseline", r => Ratio(r, results), 0.95);
        Target(md, results, "cluster-3", "seed API, 3 in flight, separate silo >= 0.85x baseline", r => Ratio(r, results), 0.85);
        foreach (var (name, shape) in TusClientShapeTargets)
        {
            Target(md, results, name, $"tus, {shape}, fsync on (default) >= 1.0x the tusdotnet stand-in", r => Ratio(r, results), 1.0);
            Target(md, results, name + "-nofsync", $"tus, {shape}, FlushToDisk=false >= 1.2x the tusdotnet stand-in", r => Ratio(r, results), 1.2);
        }
        if (results.FirstOrDefault(r => r.Name == "memory" && r.Error is null) is { } memory)
        {
            var peak = memory.PeakRss.Values.Sum() / MB;
            md.AppendLine(Invariant($"| server peak RSS <= 150 MB with 3 uploads of {Sizes.Format(options.FileSize)} at once | {peak:F0} MB ({peak * MB / Sizes.MiB:F0} MiB) | {(peak <= 150 ? "met" : "not met")} |"));
            var idle = memory.IdleRss.Values.Sum() / MB;
            md.AppendLine(Invariant($"| idle standalone server <= 100 MB (RSS once ready, before any upload) | {idle:F0} MB | {(idle <= 100 ? "met" : "not met")} |"));
        }

        if (results.FirstOrDefault(r => r.Name == "many" && r.Error is null) is { } manyUploads)
        {
            var met = manyUploads.UploadsPerSecond >= 300 && manyUploads.ChunkP99Ms < 150;
            md.AppendLine(Invariant($"| {manyUploads.Uploads} uploads of {Sizes.Format(options.SmallUploadSize)} with {options.ManyClients} clients: >= 300 uploads/s, chunk PUT p99 < 150 ms | {manyUploads.UploadsPerSecond:F1} uploads/s, p99 {manyUploads.ChunkP99Ms:F0} ms | {(met ? "met" : "not met")} |"));
        }

        if (gc is not null && gc.GcSteps.Count == 2 && gc.GcSteps[0].Gc.Values.FirstOrDefault() is { } a && gc.GcSteps[1].Gc.Values.FirstOrDefault() is { } b)
        {
            var growth = (b.AllocatedBytes / (double)gc.GcSteps[1].Chunks) / (a.AllocatedBytes / (double)gc.GcSteps[0].Chunks);
            md.AppendLine(Invariant($"| no per-chunk allocations that grow with file size | {growth:F2}x bytes allocated per chunk at {gc.GcSteps[1].Label} vs {gc.GcSteps[0].Label} | {(growth <= 1.10 ? "met (within 10%)" : "not met")} |"));
        }

        return md.ToString();
    }

    /// <summary>Issue 17's client shapes: our scenario (its -nofsync twin is named after it) and what it is.</summary>
    private static readonly (string Name, string Shape)[] TusClientShapeTargets =
    [
        ("tus-curl", "curl, one PATCH"),
        ("tusjs-whole", "tus-js-client, one PATCH"),
        ("tusjs-5mib", "tus-js-client, 5 MiB PATCHes"),
        ("tusjs-parallel4", "tus-js-client, parallelUploads 4"),
    ];

    public static string GcSummary(Dictionary<string, GcDelta?> gc) => string.Join("; ", gc.Select(p => p.Value is { } d
        ? Invariant($"{p.Key}: gen0/1/2 {d.Gen0}/{d.Gen1}/{d.Gen2}, {d.AllocatedBytes / (double)Sizes.MiB:F1} MiB allocated, {d.LargeTickBytes / (double)Sizes.MiB:F1} MiB LOH")
        : $"{p.Key}: no probe data"));

    private static void Target(StringBuilder md, IReadOnlyList<ScenarioResult> results, string name, string label, Func<ScenarioResult, double?> measure, double goal)
    {
        if (results.FirstOrDefault(r => r.Name == name && r.Error is null) is not { } result || measure(result) is not { } value)
        {
            return;
        }

        md.AppendLine(Invariant($"| {label} | {value:F2}x ({result.MedianMiBPerSecond:F1} MiB/s) | {(value >= goal ? "met" : "not met")} |"));
    }

    private static double? Ratio(ScenarioResult result, IReadOnlyList<ScenarioResult> all) =>
        result.BaselineName is { } name && all.FirstOrDefault(r => r.Name == name && r.Error is null)?.MedianMiBPerSecond is { } baseline && result.MedianMiBPerSecond is { } median
            ? median / baseline
            : null;

    private static string Rss(ScenarioResult result) =>
        PerProcess(Invariant($"{result.PeakRss.Values.Sum() / (double)Sizes.MiB:F0}"), result.PeakRss.Select(p => (p.Key, p.Value / (double)Sizes.MiB)), "F0");

    private static string PerProcess(string total, IEnumerable<(string Role, double Value)> parts, string format)
    {
        var list = parts.ToList();
        return list.Count <= 1 ? total : $"{total} ({string.Join(" + ", list.Select(p => $"{p.Role} {p.Value.ToString(format, CultureInfo.InvariantCulture)}"))})";
    }

    private static string GcPerRun(ScenarioResult result)
    {
        var runs = Math.Max(1, result.Runs.Count);
        var parts = result.Gc.Where(p => p.Value is not null).Select(p =>
            (p.Key, Invariant($"{p.Value!.Gen0 / (double)runs:0.#}/{p.Value.Gen1 / (double)runs:0.#}/{p.Value.Gen2 / (double)runs:0.#}"))).ToList();
        return parts.Count switch
        {
            0 => "-",
            1 => parts[0].Item2,
            _ => string.Join(", ", parts.Select(p => $"{p.Key} {p.Item2}")),
        };
    }

    private static string PerGib(ScenarioResult result, Func<GcDelta, long> bytes)
    {
        var gib = result.BytesMeasured / (double)Sizes.GiB;
        var parts = result.Gc.Where(p => p.Value is not null).Select(p => (p.Key, bytes(p.Value!) / (double)Sizes.MiB / gib)).ToList();
        return parts.Count switch
        {
            0 => "-",
            1 => Invariant($"{parts[0].Item2:F0}"),
            _ => string.Join(", ", parts.Select(p => Invariant($"{p.Key} {p.Item2:F0}"))),
        };
    }

    private static string Reasons(GcDelta delta) =>
        delta.Gen2Reasons.Count == 0 ? "" : $" ({string.Join(", ", delta.Gen2Reasons.Select(p => $"{p.Key} {p.Value}"))})";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
