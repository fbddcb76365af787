using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

/// <summary>
/// Loaded into a server process by <c>DOTNET_STARTUP_HOOKS</c> (the bench sets it; src/ is untouched). When
/// <c>ORLEANS_UPLOADS_BENCH_PROBE</c> names a file, a background thread rewrites that file every 200 ms with the
/// process's GC and JIT counters: collection counts, allocated bytes, pause time, JIT time and methods, and (from the runtime's sampled
/// GCAllocationTick events, one per ~100 KB allocated) how many bytes went to the small, large and pinned object
/// heaps and which types the large-object allocations were. The bench reads it before and after a scenario.
/// Cost: one small file write per 200 ms and one event per ~100 KB allocated.
/// </summary>
internal static class StartupHook
{
    public const string FileVariable = "ORLEANS_UPLOADS_BENCH_PROBE";

    public static void Initialize()
    {
        var path = Environment.GetEnvironmentVariable(FileVariable);
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        var listener = new GcListener();
        var thread = new Thread(() => Loop(path, listener)) { IsBackground = true, Name = "bench-probe" };
        thread.Start();
    }

    private static void Loop(string path, GcListener listener)
    {
        var staging = path + ".tmp";
        long sequence = 0;
        while (true)
        {
            try
            {
                File.WriteAllText(staging, listener.Snapshot(++sequence));
                File.Move(staging, path, overwrite: true);
            }
            catch (IOException)
            {
                // The bench removed the scenario directory: nothing left to report to.
            }
            catch (UnauthorizedAccessException)
            {
            }

            Thread.Sleep(200);
        }
    }

    private sealed class GcListener : EventListener
    {
        private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
        private const long GcKeyword = 0x1;
        private readonly Lock _gate = new();
        private readonly long[] _tickBytes = new long[3];
        private readonly Dictionary<string, long> _largeTypes = [];
        private readonly Dictionary<string, long> _gen2Reasons = [];

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == RuntimeSource)
            {
                // GC keyword at Verbose: GCStart/GCEnd and the sampled GCAllocationTick.
                EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)GcKeyword);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName is null || eventData.Payload is null || eventData.PayloadNames is null)
            {
                return;
            }

            if (eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal))
            {
                var amount = Convert.ToInt64(Value(eventData, "AllocationAmount64") ?? Value(eventData, "AllocationAmount") ?? 0L, CultureInfo.InvariantCulture);
                var kind = Convert.ToInt32(Value(eventData, "AllocationKind") ?? 0, CultureInfo.InvariantCulture);
                var type = Value(eventData, "TypeName") as string ?? "?";
                lock (_gate)
                {
                    _tickBytes[Math.Clamp(kind, 0, 2)] += amount;
                    if (kind == 1)
                    {
                        _largeTypes[type] = _largeTypes.GetValueOrDefault(type) + amount;
                    }
                }
            }
            else if (eventData.EventName.StartsWith("GCStart", StringComparison.Ordinal))
            {
                var depth = Convert.ToInt32(Value(eventData, "Depth") ?? 0, CultureInfo.InvariantCulture);
                if (depth == 2)
                {
                    var reason = ReasonName(Convert.ToInt32(Value(eventData, "Reason") ?? -1, CultureInfo.InvariantCulture));
                    lock (_gate)
                    {
                        _gen2Reasons[reason] = _gen2Reasons.GetValueOrDefault(reason) + 1;
                    }
                }
            }
        }

        public string Snapshot(long sequence)
        {
            var info = GC.GetGCMemoryInfo();
            var json = new StringBuilder(512);
            json.Append('{');
            Field(json, "sequence", sequence);
            Field(json, "unixMs", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            Field(json, "gen0", GC.CollectionCount(0));
            Field(json, "gen1", GC.CollectionCount(1));
            Field(json, "gen2", GC.CollectionCount(2));
            Field(json, "allocatedBytes", GC.GetTotalAllocatedBytes(precise: false));
            Field(json, "pauseMs", (long)GC.GetTotalPauseDuration().TotalMilliseconds);
            Field(json, "heapBytes", info.HeapSizeBytes);
            Field(json, "committedBytes", info.TotalCommittedBytes);
            Field(json, "serverGc", System.Runtime.GCSettings.IsServerGC ? 1 : 0);
            Field(json, "jitMs", (long)System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds);
            Field(json, "jitMethods", System.Runtime.JitInfo.GetCompiledMethodCount());
            lock (_gate)
            {
                Field(json, "smallTickBytes", _tickBytes[0]);
                Field(json, "largeTickBytes", _tickBytes[1]);
                Field(json, "pinnedTickBytes", _tickBytes[2]);
                Map(json, "largeTypes", _largeTypes);
                Map(json, "gen2Reasons", _gen2Reasons);
            }

            json.Length--;
            json.Append('}');
            return json.ToString();
        }

        private static object? Value(EventWrittenEventArgs eventData, string name)
        {
            var index = eventData.PayloadNames!.IndexOf(name);
            return index >= 0 ? eventData.Payload![index] : null;
        }

        private static void Field(StringBuilder json, string name, long value) =>
            json.Append('"').Append(name).Append("\":").Append(value.ToString(CultureInfo.InvariantCulture)).Append(',');

        private static void Map(StringBuilder json, string name, Dictionary<string, long> values)
        {
            json.Append('"').Append(name).Append("\":{");
            foreach (var (key, value) in values.OrderByDescending(pair => pair.Value).Take(8))
            {
                json.Append('"').Append(key.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append("\":")
                    .Append(value.ToString(CultureInfo.InvariantCulture)).Append(',');
            }

            if (values.Count > 0)
            {
                json.Length--;
            }

            json.Append("},");
        }

        private static string ReasonName(int reason) => reason switch
        {
            0 => "AllocSmall",
            1 => "Induced",
            2 => "LowMemory",
            3 => "Empty",
            4 => "AllocLarge",
            5 => "OutOfSpaceSOH",
            6 => "OutOfSpaceLOH",
            7 => "InducedNotForced",
            8 => "Internal",
            9 => "InducedLowMemory",
            10 => "InducedCompacting",
            11 => "LowMemoryHost",
            12 => "PMFullGC",
            13 => "LowMemoryHostBlocking",
            _ => "Reason" + reason.ToString(CultureInfo.InvariantCulture),
        };
    }
}
