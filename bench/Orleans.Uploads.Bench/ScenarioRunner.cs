using System.Diagnostics;
using System.Globalization;

namespace Orleans.Uploads.Bench;

/// <summary>One measured upload (or batch of uploads): wall time, bytes, CPU of each server process and of the bench.</summary>
public sealed record RunMeasurement(double Seconds, long Bytes, Dictionary<string, double> ServerCpuSeconds, double ClientCpuSeconds)
{
    public double MiBPerSecond => Bytes / (double)Sizes.MiB / Seconds;

    public double ServerCpuTotal => ServerCpuSeconds.Values.Sum();
}

/// <summary>GC activity over one part of the GC scenario.</summary>
public sealed record GcStep(string Label, long Bytes, int Chunks, double Seconds, Dictionary<string, GcDelta?> Gc);

public sealed class ScenarioResult(Scenario scenario)
{
    public string Name { get; } = scenario.Name;

    public string Description { get; } = scenario.Description;

    public ScenarioKind Kind { get; } = scenario.Kind;

    public Shape Shape { get; } = scenario.Shape;

    public string? BaselineName { get; } = scenario.BaselineName;

    public List<RunMeasurement> Runs { get; } = [];

    /// <summary>VmHWM of each server process at the end of the scenario, bytes.</summary>
    public Dictionary<string, long> PeakRss { get; } = [];

    /// <summary>RSS of each server process once it answered ready, before any upload: what an idle server holds.</summary>
    public Dictionary<string, long> IdleRss { get; } = [];

    /// <summary>GC activity of each server process over all measured runs.</summary>
    public Dictionary<string, GcDelta?> Gc { get; set; } = [];

    public long BytesMeasured => Runs.Sum(r => r.Bytes);

    public int FilesVerified { get; set; }

    public string? Error { get; set; }

    public int? Uploads { get; set; }

    public double? UploadsPerSecond { get; set; }

    public double? ChunkP50Ms { get; set; }

    public double? ChunkP99Ms { get; set; }

    public double? UploadP50Ms { get; set; }

    public double? UploadP99Ms { get; set; }

    public List<GcStep> GcSteps { get; } = [];

    public string? Profile { get; set; }

    public double? MedianMiBPerSecond => Runs.Count == 0 ? null : Stats.Median(Runs.Select(r => r.MiBPerSecond));
}

public static class ScenarioRunner
{
    public static async Task RunAsync(Scenario scenario, ScenarioResult result, BenchFile file, BenchOptions options, string directory, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>
        {
            ["Uploads__MaxFileSize"] = Math.Max(2 * Sizes.GiB, file.Size * 2).ToString(CultureInfo.InvariantCulture),
            ["Gateway__InitiatePermitsPerMinute"] = "0",
        };
        foreach (var (key, value) in scenario.Environment)
        {
            environment[key] = value;
        }

        await using var servers = await ServerSet.StartAsync(scenario.Shape, directory, environment, options.ServerEnvironment);
        Console.WriteLine($"   servers: {string.Join(", ", servers.Processes.Select(p => $"{p.Role} pid {p.Pid}"))} at {servers.BaseAddress}");
        foreach (var process in servers.Processes)
        {
            result.IdleRss[process.Role] = process.RssBytes();
        }

        using var client = BenchClient.Create(servers.BaseAddress, servers.Access);
        try
        {
            switch (scenario.Kind)
            {
                case ScenarioKind.Throughput:
                    await ThroughputAsync(scenario, result, servers, client, file, options, cancellationToken);
                    break;
                case ScenarioKind.ManySmall:
                    await ManySmallAsync(scenario, result, servers, client, file, options, cancellationToken);
                    break;
                case ScenarioKind.Memory:
                    await MemoryAsync(result, servers, client, file, options, cancellationToken);
                    break;
                case ScenarioKind.Gc:
                    await GcAsync(result, servers, client, file, options, cancellationToken);
                    break;
            }

            foreach (var process in servers.Processes)
            {
                result.PeakRss[process.Role] = process.PeakRssBytes();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new InvalidOperationException($"{ex.Message}\n{servers.RecentOutput()}", ex);
        }
    }

    private static async Task ThroughputAsync(Scenario scenario, ScenarioResult result, ServerSet servers, BenchClient client, BenchFile file, BenchOptions options, CancellationToken cancellationToken)
    {
        var upload = scenario.Upload!;

        await WarmUpAsync(servers, async length =>
        {
            var stored = await upload(new UploadContext(client, file, length, servers, options, $"warmup-{length}"), cancellationToken);
            await VerifyAndDeleteAsync(stored.StoredFile, file.PrefixSha256(length), result, cancellationToken);
        }, file, options);

        var gcBefore = await servers.GcAsync();
        await using var perf = options.Perf ? PerfSession.Start(servers, directory: servers.DataDirectory) : null;
        for (var run = 1; run <= options.Runs; run++)
        {
            var measured = await MeasureAsync(servers, file.Size, () => upload(new UploadContext(client, file, file.Size, servers, options, run.ToString(CultureInfo.InvariantCulture)), cancellationToken));
            var measurement = measured.Value.Elapsed is { } elapsed ? measured.Measurement with { Seconds = elapsed.TotalSeconds } : measured.Measurement;
            result.Runs.Add(measurement);
            Console.WriteLine($"   run {run}: {measurement.MiBPerSecond:F1} MiB/s in {measurement.Seconds:F2} s, server CPU {measurement.ServerCpuTotal:F2} s, client CPU {measurement.ClientCpuSeconds:F2} s");
            await VerifyAndDeleteAsync(measured.Value.StoredFile, file.Sha256, result, cancellationToken);
        }

        if (perf is not null)
        {
            result.Profile = await perf.StopAsync();
        }

        result.Gc = Delta(gcBefore, await servers.GcAsync());
    }

    private static async Task ManySmallAsync(
        Scenario scenario, ScenarioResult result, ServerSet servers, BenchClient client, BenchFile file, BenchOptions options, CancellationToken cancellationToken)
    {
        // Ours keeps finished uploads in its final directory; the stand-in keeps every upload where it received it.
        string StoredFileOf(Guid id) => scenario.Shape == Shape.Baseline
            ? TusBaselineEndpoints.PathOf(Path.Combine(servers.DataDirectory, "received"), id)
            : servers.FinalFileOf(id);

        var slices = file.SliceHashes.Length;
        var count = options.ManyUploads;
        var clients = options.ManyClients;
        await RunBatchAsync(Math.Min(clients, count), null, null);
        for (var round = 1; round <= 4; round++)
        {
            var before = await servers.GcAsync();
            await RunBatchAsync(Math.Min(count, 250), null, null);
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var after = await servers.GcAsync();
            var compiled = after.Sum(p => p.Value is { } end && before.GetValueOrDefault(p.Key) is { } start ? end.JitMethods - start.JitMethods : 0);
            Console.WriteLine($"   warm-up {round}: {Math.Min(count, 250)} uploads, {compiled} methods JIT-compiled");
            if (compiled < 100)
            {
                break;
            }
        }

        var gcBefore = await servers.GcAsync();
        await using var perf = options.Perf ? PerfSession.Start(servers, directory: servers.DataDirectory) : null;
        var chunkLatencies = new List<double>();
        var uploadLatencies = new List<double>();
        for (var run = 1; run <= options.Runs; run++)
        {
            var measured = await MeasureAsync(servers, (long)count * options.SmallUploadSize, () => RunBatchAsync(count, chunkLatencies, uploadLatencies));
            result.Runs.Add(measured.Measurement);
            Console.WriteLine($"   run {run}: {count / measured.Measurement.Seconds:F1} uploads/s ({measured.Measurement.MiBPerSecond:F1} MiB/s), server CPU {measured.Measurement.ServerCpuTotal:F2} s");
            foreach (var (id, slice) in measured.Value)
            {
                await VerifyAndDeleteAsync(StoredFileOf(id), file.SliceHashes[slice], result, cancellationToken);
            }
        }

        if (perf is not null)
        {
            result.Profile = await perf.StopAsync();
        }

        result.Gc = Delta(gcBefore, await servers.GcAsync());
        result.Uploads = count;
        result.UploadsPerSecond = Stats.Median(result.Runs.Select(r => count / r.Seconds));
        result.ChunkP50Ms = Stats.Percentile(chunkLatencies, 50);
        result.ChunkP99Ms = Stats.Percentile(chunkLatencies, 99);
        result.UploadP50Ms = Stats.Percentile(uploadLatencies, 50);
        result.UploadP99Ms = Stats.Percentile(uploadLatencies, 99);

        async Task<List<(Guid Id, int Slice)>> RunBatchAsync(int uploads, List<double>? chunks, List<double>? whole)
        {
            var done = new List<(Guid, int)>(uploads);
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, Math.Min(clients, uploads)).Select(async _ =>
            {
                int index;
                while ((index = Interlocked.Increment(ref next)) < uploads)
                {
                    var slice = index % slices;
                    var started = Stopwatch.GetTimestamp();
                    var fileOffset = (long)slice * Sizes.MiB;
                    var id = scenario.Many == ManyProtocol.Tus
                        ? await client.TusAsync(file, options.SmallUploadSize, patchSize: null, cancellationToken, fileOffset, chunks)
                        : await client.SeedAsync(file, options.SmallUploadSize, file.SliceHashes[slice], options.ChunkSize, 1, chunks, cancellationToken, fileOffset);
                    var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    lock (done)
                    {
                        done.Add((id, slice));
                        whole?.Add(elapsed);
                    }
                }
            }));
            if (chunks is null)
            {
                foreach (var (id, slice) in done)
                {
                    await VerifyAndDeleteAsync(StoredFileOf(id), file.SliceHashes[slice], result, cancellationToken);
                }
            }

            return done;
        }
    }

    private static async Task MemoryAsync(ScenarioResult result, ServerSet servers, BenchClient client, BenchFile file, BenchOptions options, CancellationToken cancellationToken)
    {
        const int Uploads = 3;
        await WarmUpAsync(servers, length => SeedWarmupAsync(client, file, length, servers, result, options, cancellationToken), file, options);

        var gcBefore = await servers.GcAsync();
        var measured = await MeasureAsync(servers, Uploads * file.Size, () => Task.WhenAll(Enumerable.Range(0, Uploads).Select(_ =>
            client.SeedAsync(file, file.Size, file.Sha256, options.ChunkSize, 3, null, cancellationToken))));
        result.Runs.Add(measured.Measurement);
        Console.WriteLine($"   {Uploads} x {Sizes.Format(file.Size)} at once: {measured.Measurement.MiBPerSecond:F1} MiB/s in all, server CPU {measured.Measurement.ServerCpuTotal:F2} s");
        foreach (var id in measured.Value)
        {
            await VerifyAndDeleteAsync(servers.FinalFileOf(id), file.Sha256, result, cancellationToken);
        }

        result.Gc = Delta(gcBefore, await servers.GcAsync());
    }

    private static async Task GcAsync(ScenarioResult result, ServerSet servers, BenchClient client, BenchFile file, BenchOptions options, CancellationToken cancellationToken)
    {
        await WarmUpAsync(servers, length => SeedWarmupAsync(client, file, length, servers, result, options, cancellationToken), file, options);
        var quarter = BenchRunner.QuarterLength(options);

        foreach (var length in new[] { quarter, file.Size })
        {
            var before = await servers.GcAsync();
            var measured = await MeasureAsync(servers, length, () => client.SeedAsync(file, length, file.PrefixSha256(length), options.ChunkSize, 3, null, cancellationToken));
            var gc = Delta(before, await servers.GcAsync());
            result.Runs.Add(measured.Measurement);
            var chunks = (int)((length + options.ChunkSize - 1) / options.ChunkSize);
            result.GcSteps.Add(new GcStep(Sizes.Format(length), length, chunks, measured.Measurement.Seconds, gc));
            Console.WriteLine($"   {Sizes.Format(length)}: {measured.Measurement.MiBPerSecond:F1} MiB/s, {Report.GcSummary(gc)}");
            await VerifyAndDeleteAsync(servers.FinalFileOf(measured.Value), file.PrefixSha256(length), result, cancellationToken);
        }
    }

    /// <summary>
    /// Unmeasured warm-up until the server's JIT is quiet: a small upload, then quarter-size uploads with a pause after
    /// each (tiered compilation only starts counting calls after 100 ms without new tier-0 methods, so under steady
    /// load tier-1 compilation is postponed to the first pause: without this it lands in the first measured run and
    /// costs ~2 s of CPU there). Stops when a round compiled fewer than 100 new methods, after at most 4 rounds.
    /// Also fills the buffer pools and grows GC budgets before anything is counted.
    /// </summary>
    private static async Task WarmUpAsync(ServerSet servers, Func<long, Task> upload, BenchFile file, BenchOptions options)
    {
        await upload(BenchRunner.WarmupLength(options));
        for (var round = 1; round <= 4; round++)
        {
            var before = await servers.GcAsync();
            await upload(BenchRunner.QuarterLength(options));
            await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            var after = await servers.GcAsync();
            var compiled = after.Sum(p => p.Value is { } end && before.GetValueOrDefault(p.Key) is { } start ? end.JitMethods - start.JitMethods : 0);
            Console.WriteLine($"   warm-up {round}: {Sizes.Format(BenchRunner.QuarterLength(options))}, {compiled} methods JIT-compiled");
            if (compiled < 100)
            {
                break;
            }
        }
    }

    private static async Task SeedWarmupAsync(BenchClient client, BenchFile file, long length, ServerSet servers, ScenarioResult result, BenchOptions options, CancellationToken cancellationToken)
    {
        var id = await client.SeedAsync(file, length, file.PrefixSha256(length), options.ChunkSize, 3, null, cancellationToken);
        await VerifyAndDeleteAsync(servers.FinalFileOf(id), file.PrefixSha256(length), result, cancellationToken);
    }

    private static async Task<(T Value, RunMeasurement Measurement)> MeasureAsync<T>(ServerSet servers, long bytes, Func<Task<T>> work)
    {
        var cpuBefore = servers.CpuSecondsByProcess();
        var clientBefore = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds + ChildCpu.Seconds();
        var started = Stopwatch.GetTimestamp();
        var value = await work();
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        // The bench's own CPU, plus that of the client programs (curl, node) it ran and reaped meanwhile.
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds + ChildCpu.Seconds() - clientBefore;
        var cpuAfter = servers.CpuSecondsByProcess();
        return (value, new RunMeasurement(seconds, bytes, cpuAfter.ToDictionary(p => p.Key, p => p.Value - cpuBefore[p.Key]), clientCpu));
    }

    private static async Task VerifyAndDeleteAsync(string storedFile, string expectedSha256, ScenarioResult result, CancellationToken cancellationToken)
    {
        if (!File.Exists(storedFile))
        {
            throw new InvalidOperationException($"verification failed: {storedFile} does not exist");
        }

        var actual = await BenchFile.HashFileAsync(storedFile, cancellationToken);
        if (actual != expectedSha256)
        {
            throw new InvalidOperationException($"verification failed: {storedFile} has sha256 {actual}, expected {expectedSha256}");
        }

        File.Delete(storedFile);
        result.FilesVerified++;
    }

    private static Dictionary<string, GcDelta?> Delta(Dictionary<string, GcSnapshot?> before, Dictionary<string, GcSnapshot?> after) =>
        after.ToDictionary(p => p.Key, p => p.Value is { } end && before.GetValueOrDefault(p.Key) is { } start ? end.Since(start) : null);
}

public static class Stats
{
    public static double Median(IEnumerable<double> values) => Percentile(values.ToList(), 50, interpolate: true);

    public static double Percentile(List<double> values, double percentile, bool interpolate = false)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        if (interpolate && percentile == 50)
        {
            var middle = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }

        // Nearest rank.
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
