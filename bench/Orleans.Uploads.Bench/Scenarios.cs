namespace Orleans.Uploads.Bench;

public enum ScenarioKind
{
    /// <summary>One file, uploaded <see cref="BenchOptions.Runs"/> times: MB/s, CPU, RSS, GC.</summary>
    Throughput,

    /// <summary>Many 1 MiB sessions with many clients in flight: uploads/s and chunk latency.</summary>
    ManySmall,

    /// <summary>Three whole-file uploads at once: the server's peak RSS.</summary>
    Memory,

    /// <summary>A quarter-size upload, then the whole file, in one server: allocation and GC counts per MiB and per chunk.</summary>
    Gc,
}

/// <summary>A scenario: what runs against which server shape. The upload delegate returns the stored file to verify.</summary>
public sealed record Scenario(
    string Name,
    string Description,
    ScenarioKind Kind,
    Shape Shape,
    IReadOnlyDictionary<string, string> Environment,
    Func<UploadContext, CancellationToken, Task<UploadOutcome>>? Upload = null,
    string? BaselineName = "baseline",
    ManyProtocol Many = ManyProtocol.Seed);

/// <summary>How a <see cref="ScenarioKind.ManySmall"/> scenario sends each small upload.</summary>
public enum ManyProtocol
{
    /// <summary>The seed API: initiate, then one chunk PUT.</summary>
    Seed,

    /// <summary>tus 1.0.0: creation, then one PATCH (what the tusdotnet stand-in also serves).</summary>
    Tus,
}

/// <summary>
/// What an upload left: the stored file to verify, and the wall time from its first request to its last response when
/// the client measured that itself (a client program, whose start-up is not upload time); otherwise the bench's clock
/// around the whole upload is used.
/// </summary>
public sealed record UploadOutcome(string StoredFile, TimeSpan? Elapsed = null);

/// <summary>What an upload delegate gets: the client, the file and the servers it talks to.</summary>
public sealed record UploadContext(BenchClient Client, BenchFile File, long Length, ServerSet Servers, BenchOptions Options, string Run)
{
    public string Sha256 => File.PrefixSha256(Length);
}

public static class Scenarios
{
    private static readonly Dictionary<string, string> NoFsync = new() { ["Uploads__FlushToDisk"] = "false" };
    private static readonly Dictionary<string, string> Defaults = [];

    public static IReadOnlyList<Scenario> All { get; } = WithNoFsyncTwins(
    [
        new("baseline", "Raw Kestrel: the whole file as one PUT, body streamed to a file, one fsync at the end (bench baseline-server process)",
            ScenarioKind.Throughput, Shape.Baseline, Defaults, BaselineUpload(fsync: true), BaselineName: null),
        new("tusbase-5mib", "tusdotnet-shaped stand-in (baseline-server /files/): tus creation + sequential 5 MiB PATCHes straight to a file, no fsync, no hash",
            ScenarioKind.Throughput, Shape.Baseline, Defaults, TusBaselineUpload(5 * Sizes.MiB), BaselineName: null),
        new("tusbase-whole", "tusdotnet-shaped stand-in: tus creation + one PATCH with the whole file, no fsync, no hash",
            ScenarioKind.Throughput, Shape.Baseline, Defaults, TusBaselineUpload(null), BaselineName: null),
        new("seed-1", "Seed API, 5 MiB chunks, 1 in flight, standalone gateway (silo in process)",
            ScenarioKind.Throughput, Shape.Standalone, Defaults, SeedUpload(inFlight: 1)),
        new("seed-3", "Seed API, 5 MiB chunks, 3 in flight, standalone gateway (silo in process)",
            ScenarioKind.Throughput, Shape.Standalone, Defaults, SeedUpload(inFlight: 3)),
        new("cluster-1", "Seed API, 5 MiB chunks, 1 in flight, gateway (client mode) + separate silo process",
            ScenarioKind.Throughput, Shape.Cluster, Defaults, SeedUpload(inFlight: 1)),
        new("cluster-3", "Seed API, 5 MiB chunks, 3 in flight, gateway (client mode) + separate silo process",
            ScenarioKind.Throughput, Shape.Cluster, Defaults, SeedUpload(inFlight: 3)),
        new("tus-5mib", "tus 1.0.0, sequential 5 MiB PATCHes, standalone gateway",
            ScenarioKind.Throughput, Shape.Standalone, Defaults, TusUpload(5 * Sizes.MiB), BaselineName: "tusbase-5mib"),
        new("tus-whole", "tus 1.0.0, one PATCH with the whole file, standalone gateway",
            ScenarioKind.Throughput, Shape.Standalone, Defaults, TusUpload(null), BaselineName: "tusbase-whole"),
        new("tusbase-curl", "tusdotnet-shaped stand-in: POST, then ONE `curl -X PATCH -T file -H Expect:` with the whole file",
            ScenarioKind.Throughput, Shape.Baseline, Defaults, CurlUpload(ours: false), BaselineName: null),
        new("tusbase-js-whole", "tusdotnet-shaped stand-in: tus-js-client (Node), one PATCH (chunkSize Infinity)",
            ScenarioKind.Throughput, Shape.Baseline, Defaults, TusJsUpload("whole", ours: false), BaselineName: null),
        new("tusbase-js-5mib", "tusdotnet-shaped stand-in: tus-js-client (Node), 5 MiB PATCHes",
            ScenarioKind.Throughput, Shape.Baseline, Defaults, TusJsUpload("chunked", ours: false), BaselineName: null),
        new("tusbase-js-parallel4", "tusdotnet-shaped stand-in: tus-js-client (Node), parallelUploads 4 (4 partial uploads, then a final that concatenates them)",
            ScenarioKind.Throughput, Shape.Baseline, Defaults, TusJsUpload("parallel", ours: false), BaselineName: null),
        new("tus-curl", "tus 1.0.0: POST, then ONE `curl -X PATCH -T file -H Expect:` with the whole file, standalone gateway",
            ScenarioKind.Throughput, Shape.Standalone, Defaults, CurlUpload(ours: true), BaselineName: "tusbase-curl"),
        new("tusjs-whole", "tus 1.0.0: tus-js-client (Node), one PATCH (chunkSize Infinity), standalone gateway",
            ScenarioKind.Throughput, Shape.Standalone, Defaults, TusJsUpload("whole", ours: true), BaselineName: "tusbase-js-whole"),
        new("tusjs-5mib", "tus 1.0.0: tus-js-client (Node), 5 MiB PATCHes, standalone gateway",
            ScenarioKind.Throughput, Shape.Standalone, Defaults, TusJsUpload("chunked", ours: true), BaselineName: "tusbase-js-5mib"),
        new("tusjs-parallel4", "tus 1.0.0: tus-js-client (Node), parallelUploads 4 (concatenation), standalone gateway",
            ScenarioKind.Throughput, Shape.Standalone, Defaults, TusJsUpload("parallel", ours: true), BaselineName: "tusbase-js-parallel4"),
        new("manybase", "Many small uploads against the tusdotnet-shaped stand-in: tus creation + one 1 MiB PATCH each, 32 clients in flight (no fsync, no hash)",
            ScenarioKind.ManySmall, Shape.Baseline, Defaults, BaselineName: null, Many: ManyProtocol.Tus),
        new("many", "Many small uploads: 1 MiB sessions (initiate + one chunk PUT) with 32 clients in flight, standalone gateway",
            ScenarioKind.ManySmall, Shape.Standalone, Defaults, BaselineName: "manybase"),
        new("many-tus", "Many small uploads over tus: creation + one 1 MiB PATCH each, 32 clients in flight, standalone gateway",
            ScenarioKind.ManySmall, Shape.Standalone, Defaults, BaselineName: "manybase", Many: ManyProtocol.Tus),
        new("memory", "3 whole-file uploads at once (seed API, 3 in flight each), standalone gateway: peak RSS",
            ScenarioKind.Memory, Shape.Standalone, Defaults),
        new("gc", "GC during a long upload: after two unmeasured warm-ups, a quarter-size upload, then the whole file (seed API, 3 in flight), standalone gateway",
            ScenarioKind.Gc, Shape.Standalone, Defaults),
        new("baseline-nofsync", "Raw Kestrel baseline without the final fsync (page cache only)",
            ScenarioKind.Throughput, Shape.Baseline, Defaults, BaselineUpload(fsync: false), BaselineName: null),
        new("seed-3-nofsync", "seed-3 with Uploads__FlushToDisk=false (no fsync per chunk; grain state writes still fsync)",
            ScenarioKind.Throughput, Shape.Standalone, NoFsync, SeedUpload(inFlight: 3), BaselineName: "baseline-nofsync"),
        new("cluster-3-nofsync", "cluster-3 with Uploads__FlushToDisk=false",
            ScenarioKind.Throughput, Shape.Cluster, NoFsync, SeedUpload(inFlight: 3), BaselineName: "baseline-nofsync"),
    ], "tus-curl", "tusjs-whole", "tusjs-5mib", "tusjs-parallel4");

    public static IReadOnlyList<string> DefaultNames { get; } =
        [
            "baseline", "tusbase-5mib", "tusbase-whole", "tusbase-curl", "tusbase-js-whole", "tusbase-js-5mib", "tusbase-js-parallel4",
            "seed-1", "seed-3", "cluster-1", "cluster-3", "tus-5mib", "tus-whole",
            "tus-curl", "tusjs-whole", "tusjs-5mib", "tusjs-parallel4",
            "tus-curl-nofsync", "tusjs-whole-nofsync", "tusjs-5mib-nofsync", "tusjs-parallel4-nofsync",
            "manybase", "many", "many-tus", "memory", "gc", "baseline-nofsync", "seed-3-nofsync",
        ];

    /// <summary>
    /// Each named scenario's twin with <c>Uploads__FlushToDisk=false</c> (<c>name-nofsync</c>), against the same
    /// baseline, listed after all the others.
    /// </summary>
    private static List<Scenario> WithNoFsyncTwins(List<Scenario> scenarios, params string[] names) =>
    [
        .. scenarios,
        .. names.Select(name => scenarios.Single(s => s.Name == name)).Select(s =>
            s with { Name = s.Name + "-nofsync", Description = s.Name + " with Uploads__FlushToDisk=false", Environment = NoFsync }),
    ];

    public static IReadOnlyList<string> ExtraNames { get; } = [.. All.Select(s => s.Name).Except(DefaultNames)];

    public static IReadOnlyList<string> Select(string[]? requested)
    {
        var names = (requested ?? []).SelectMany(r => r.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (names.Count == 0)
        {
            return DefaultNames;
        }

        foreach (var name in names.Where(n => All.All(s => s.Name != n)))
        {
            throw new ArgumentException($"unknown scenario '{name}'; known: {string.Join(", ", All.Select(s => s.Name))}");
        }

        // Always in the canonical order, so a baseline runs before what is compared with it.
        return [.. All.Select(s => s.Name).Where(names.Contains)];
    }

    public static Scenario Get(string name) => All.Single(s => s.Name == name);

    private static Func<UploadContext, CancellationToken, Task<UploadOutcome>> BaselineUpload(bool fsync) => async (context, cancellationToken) =>
    {
        var name = $"run-{context.Run}.bin";
        await context.Client.BaselineAsync(context.File, context.Length, name, fsync, cancellationToken);
        return new UploadOutcome(Path.Combine(context.Servers.DataDirectory, "received", name));
    };

    private static Func<UploadContext, CancellationToken, Task<UploadOutcome>> TusBaselineUpload(int? patchSize) => async (context, cancellationToken) =>
    {
        var id = await context.Client.TusAsync(context.File, context.Length, patchSize, cancellationToken);
        return new UploadOutcome(StandInFileOf(context, id));
    };

    private static Func<UploadContext, CancellationToken, Task<UploadOutcome>> SeedUpload(int inFlight) => async (context, cancellationToken) =>
    {
        var id = await context.Client.SeedAsync(context.File, context.Length, context.Sha256, context.Options.ChunkSize, inFlight, null, cancellationToken);
        return new UploadOutcome(context.Servers.FinalFileOf(id));
    };

    private static Func<UploadContext, CancellationToken, Task<UploadOutcome>> TusUpload(int? patchSize) => async (context, cancellationToken) =>
    {
        var id = await context.Client.TusAsync(context.File, context.Length, patchSize, cancellationToken);
        return new UploadOutcome(context.Servers.FinalFileOf(id));
    };

    /// <summary>curl's one PATCH; the file verified is our gateway's finished file, or the stand-in's.</summary>
    private static Func<UploadContext, CancellationToken, Task<UploadOutcome>> CurlUpload(bool ours) => async (context, cancellationToken) =>
    {
        var (id, elapsed) = await TusClientShapes.CurlAsync(context, cancellationToken);
        return new UploadOutcome(ours ? context.Servers.FinalFileOf(id) : StandInFileOf(context, id), elapsed);
    };

    /// <summary>tus-js-client in one of upload.mjs's modes; for parallel, the file verified is the final upload's.</summary>
    private static Func<UploadContext, CancellationToken, Task<UploadOutcome>> TusJsUpload(string mode, bool ours) => async (context, cancellationToken) =>
    {
        var (id, elapsed) = await TusClientShapes.TusJsAsync(context, mode, cancellationToken);
        return new UploadOutcome(ours ? context.Servers.FinalFileOf(id) : StandInFileOf(context, id), elapsed);
    };

    private static string StandInFileOf(UploadContext context, Guid id) =>
        TusBaselineEndpoints.PathOf(Path.Combine(context.Servers.DataDirectory, "received"), id);
}
