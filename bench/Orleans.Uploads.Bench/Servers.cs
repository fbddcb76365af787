using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Bench;

/// <summary>The server shapes a scenario can run against; every process is fresh for its scenario.</summary>
public enum Shape
{
    /// <summary>The bench's own baseline-server process.</summary>
    Baseline,

    /// <summary>src/Gateway alone: it co-hosts its silo.</summary>
    Standalone,

    /// <summary>src/Gateway in client mode plus a separate src/Silo process.</summary>
    Cluster,
}

/// <summary>One server process the bench started: its CPU time and memory from /proc, its GC counters from the probe.</summary>
public sealed class ServerHandle(string role, ServerProcess process, string probeFile)
{
    public string Role { get; } = role;

    public ServerProcess Process { get; } = process;

    public int Pid => Process.Id;

    /// <summary>utime + stime of the process, in seconds (fields 14 and 15 of /proc/PID/stat).</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / (double)ClockTicksPerSecond;
    }

    /// <summary>Peak resident set size (VmHWM) since the process started, in bytes.</summary>
    public long PeakRssBytes() => StatusKilobytes("VmHWM") * 1024;

    public long RssBytes() => StatusKilobytes("VmRSS") * 1024;

    /// <summary>The probe's newest counters, written after <paramref name="notBefore"/> (waits up to 5 s for one).</summary>
    public async Task<GcSnapshot?> GcAsync(DateTimeOffset notBefore)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (File.Exists(probeFile))
                {
                    var snapshot = GcSnapshot.Parse(await File.ReadAllTextAsync(probeFile));
                    if (snapshot.UnixMs >= notBefore.ToUnixTimeMilliseconds())
                    {
                        return snapshot;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or JsonException)
            {
            }

            await Task.Delay(50);
        }

        return null;
    }

    private long StatusKilobytes(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"{field} missing from /proc/{Pid}/status");
    }

    // sysconf(_SC_CLK_TCK) is 100 on every Linux the bench targets (x86-64 and arm64 kernels use USER_HZ = 100).
    private const int ClockTicksPerSecond = 100;
}

/// <summary>The server processes of one scenario, started fresh and stopped (killed) when disposed.</summary>
public sealed class ServerSet : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<ServerProcess, byte> Live = new();
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private ServerSet(Shape shape, Uri baseAddress, string dataDirectory, IReadOnlyList<ServerHandle> processes, AccessKeys? access = null)
    {
        Access = access;
        Shape = shape;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
        Processes = processes;
    }

    public Shape Shape { get; }

    /// <summary>The credentials our gateways run with (access control on, as in production); null for the baseline.</summary>
    public AccessKeys? Access { get; }

    public Uri BaseAddress { get; }

    /// <summary>The working directory of the servers: uploads/, temp_uploads/, upload_state/ (or the baseline's files).</summary>
    public string DataDirectory { get; }

    public IReadOnlyList<ServerHandle> Processes { get; }

    public string FinalDirectory => Path.Combine(DataDirectory, "uploads");

    /// <summary>Kills whatever is still running: for Ctrl+C and unexpected exits.</summary>
    public static void KillAll()
    {
        foreach (var process in Live.Keys)
        {
            try
            {
                process.KillAsync().Wait(TimeSpan.FromSeconds(5));
            }
            catch (Exception)
            {
                // Best effort on the way out.
            }
        }
    }

    public static async Task<ServerSet> StartAsync(Shape shape, string dataDirectory, IReadOnlyDictionary<string, string> environment, IReadOnlyDictionary<string, string> extraEnvironment)
    {
        Directory.CreateDirectory(dataDirectory);
        var started = new List<ServerHandle>();
        try
        {
            switch (shape)
            {
                case Shape.Baseline:
                {
                    var port = FreePort.Next();
                    var handle = Start("baseline", typeof(BaselineServer).Assembly.Location, dataDirectory, Environment("baseline", dataDirectory, []), "baseline-server", "--urls", $"http://127.0.0.1:{port}", "--dir", Path.Combine(dataDirectory, "received"));
                    started.Add(handle);
                    var address = new Uri($"http://127.0.0.1:{port}");
                    await WaitHealthyAsync(handle, address);
                    return new ServerSet(shape, address, dataDirectory, started);
                }

                case Shape.Standalone:
                {
                    var ports = GatewayPorts.Allocate();
                    var access = AccessKeys.Generate();
                    var settings = Merge(Merge(access.GatewayEnvironment, environment), extraEnvironment);
                    settings["Cluster__SiloPort"] = Invariant(ports.SiloPort);
                    settings["Cluster__GatewayPort"] = Invariant(ports.OrleansGatewayPort);
                    var gateway = Start("gateway", RepositoryPaths.BuiltAssembly("Gateway", "Orleans.Uploads.Gateway"), dataDirectory, Environment("gateway", dataDirectory, settings), "--urls", $"http://127.0.0.1:{ports.HttpPort}");
                    started.Add(gateway);
                    var address = new Uri($"http://127.0.0.1:{ports.HttpPort}");
                    await WaitHealthyAsync(gateway, address);
                    return new ServerSet(shape, address, dataDirectory, started, access);
                }

                default:
                {
                    var siloPort = FreePort.Next();
                    var orleansGatewayPort = FreePort.Next();
                    var httpPort = FreePort.Next();
                    var siloSettings = Merge(environment, extraEnvironment);
                    siloSettings["Cluster__Clustering"] = "Localhost";
                    siloSettings["Cluster__SiloPort"] = Invariant(siloPort);
                    siloSettings["Cluster__GatewayPort"] = Invariant(orleansGatewayPort);
                    var silo = Start("silo", RepositoryPaths.BuiltAssembly("Silo", "Orleans.Uploads.Silo"), dataDirectory, Environment("silo", dataDirectory, siloSettings));
                    started.Add(silo);
                    await WaitListeningAsync(silo, orleansGatewayPort);

                    var access = AccessKeys.Generate();
                    var gatewaySettings = Merge(Merge(access.GatewayEnvironment, environment), extraEnvironment);
                    gatewaySettings["Cluster__Mode"] = "Client";
                    gatewaySettings["Cluster__Clustering"] = "Localhost";
                    gatewaySettings["Cluster__GatewayPort"] = Invariant(orleansGatewayPort);
                    var gateway = Start("gateway", RepositoryPaths.BuiltAssembly("Gateway", "Orleans.Uploads.Gateway"), dataDirectory, Environment("gateway", dataDirectory, gatewaySettings), "--urls", $"http://127.0.0.1:{httpPort}");
                    started.Add(gateway);
                    var address = new Uri($"http://127.0.0.1:{httpPort}");
                    await WaitHealthyAsync(gateway, address);
                    return new ServerSet(shape, address, dataDirectory, started, access);
                }
            }
        }
        catch
        {
            foreach (var handle in started)
            {
                await StopAsync(handle.Process);
            }

            throw;
        }
    }

    public double CpuSeconds() => Processes.Sum(p => p.CpuSeconds());

    public Dictionary<string, double> CpuSecondsByProcess() => Processes.ToDictionary(p => p.Role, p => p.CpuSeconds());

    public async Task<Dictionary<string, GcSnapshot?>> GcAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var snapshots = new Dictionary<string, GcSnapshot?>();
        foreach (var process in Processes)
        {
            snapshots[process.Role] = await process.GcAsync(now);
        }

        return snapshots;
    }

    /// <summary>The stored copy of a finished upload in the final directory (named by upload id).</summary>
    public string FinalFileOf(Guid uploadId) =>
        Path.Combine(FinalDirectory, uploadId.ToString("N") + ".mp4");

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Processes.Reverse())
        {
            var pid = process.Pid;
            await StopAsync(process.Process);
            if (BenchRunner.PerfMapEnabled)
            {
                // The perf maps the runtime wrote for --perf: /tmp/perf-PID.map and /tmp/perfinfo-PID.map.
                File.Delete(Path.Combine("/tmp", $"perf-{pid}.map"));
                File.Delete(Path.Combine("/tmp", $"perfinfo-{pid}.map"));
            }
        }
    }

    public string RecentOutput() => string.Join("\n", Processes.Select(p => $"--- {p.Role} (pid {p.Pid}) ---\n{Tail(p.Process.Output, 40)}"));

    private static string Tail(string text, int lines)
    {
        var all = text.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    private static ServerHandle Start(string role, string assembly, string workingDirectory, Dictionary<string, string> environment, params string[] arguments)
    {
        var process = ServerProcess.Start(role, assembly, workingDirectory, environment, arguments);
        Live[process] = 0;
        return new ServerHandle(role, process, environment[ProbeVariable]);
    }

    private const string ProbeVariable = "ORLEANS_UPLOADS_BENCH_PROBE";

    private static Dictionary<string, string> Environment(string role, string dataDirectory, Dictionary<string, string> settings)
    {
        settings[ProbeVariable] = Path.Combine(dataDirectory, $"probe-{role}.json");
        settings["DOTNET_STARTUP_HOOKS"] = Path.Combine(AppContext.BaseDirectory, "Orleans.Uploads.Bench.Probe.dll");

        // perf (--perf) resolves JIT-compiled frames from /tmp/perf-PID.map; harmless otherwise.
        settings["DOTNET_PerfMapEnabled"] = BenchRunner.PerfMapEnabled ? "1" : "0";
        if (BenchRunner.PerfMapEnabled)
        {
            // JIT-compiled code in plain anonymous memory (not the W^X double mapping), so perf attributes it to the map.
            settings["DOTNET_EnableWriteXorExecute"] = "0";
        }

        return settings;
    }

    private static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string> first, IReadOnlyDictionary<string, string> second)
    {
        var merged = new Dictionary<string, string>(first);
        foreach (var (key, value) in second)
        {
            merged[key] = value;
        }

        return merged;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static async Task StopAsync(ServerProcess process)
    {
        try
        {
            await process.DisposeAsync();
        }
        finally
        {
            Live.TryRemove(process, out _);
        }
    }

    private static Task WaitHealthyAsync(ServerHandle server, Uri address) => server.Process.WaitUntilHealthyAsync(address, StartTimeout);

    private static Task WaitListeningAsync(ServerHandle server, int port) => server.Process.WaitUntilListeningAsync(port, StartTimeout);
}

/// <summary>A server's GC counters as the probe wrote them (counts are cumulative, as GC.CollectionCount reports them).</summary>
public sealed record GcSnapshot(
    long UnixMs, long Gen0, long Gen1, long Gen2, long AllocatedBytes, long PauseMs, long HeapBytes, bool ServerGc, long JitMs, long JitMethods,
    long SmallTickBytes, long LargeTickBytes, long PinnedTickBytes, Dictionary<string, long> LargeTypes, Dictionary<string, long> Gen2Reasons)
{
    public static GcSnapshot Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new GcSnapshot(
            root.GetProperty("unixMs").GetInt64(),
            root.GetProperty("gen0").GetInt64(),
            root.GetProperty("gen1").GetInt64(),
            root.GetProperty("gen2").GetInt64(),
            root.GetProperty("allocatedBytes").GetInt64(),
            root.GetProperty("pauseMs").GetInt64(),
            root.GetProperty("heapBytes").GetInt64(),
            root.GetProperty("serverGc").GetInt64() == 1,
            root.GetProperty("jitMs").GetInt64(),
            root.GetProperty("jitMethods").GetInt64(),
            root.GetProperty("smallTickBytes").GetInt64(),
            root.GetProperty("largeTickBytes").GetInt64(),
            root.GetProperty("pinnedTickBytes").GetInt64(),
            Map(root.GetProperty("largeTypes")),
            Map(root.GetProperty("gen2Reasons")));
    }

    /// <summary>What happened between <paramref name="before"/> and this snapshot.</summary>
    public GcDelta Since(GcSnapshot before) => new(
        Gen0 - before.Gen0, Gen1 - before.Gen1, Gen2 - before.Gen2, AllocatedBytes - before.AllocatedBytes, PauseMs - before.PauseMs,
        SmallTickBytes - before.SmallTickBytes, LargeTickBytes - before.LargeTickBytes, PinnedTickBytes - before.PinnedTickBytes,
        Diff(LargeTypes, before.LargeTypes), Diff(Gen2Reasons, before.Gen2Reasons), ServerGc, JitMs - before.JitMs, JitMethods - before.JitMethods);

    private static Dictionary<string, long> Map(JsonElement element) =>
        element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());

    private static Dictionary<string, long> Diff(Dictionary<string, long> after, Dictionary<string, long> before) =>
        after.Select(pair => (pair.Key, Value: pair.Value - before.GetValueOrDefault(pair.Key)))
            .Where(pair => pair.Value > 0)
            .ToDictionary(pair => pair.Key, pair => pair.Value);
}

public sealed record GcDelta(
    long Gen0, long Gen1, long Gen2, long AllocatedBytes, long PauseMs, long SmallTickBytes, long LargeTickBytes, long PinnedTickBytes,
    Dictionary<string, long> LargeTypes, Dictionary<string, long> Gen2Reasons, bool ServerGc, long JitMs, long JitMethods);
