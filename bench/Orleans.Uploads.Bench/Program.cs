using System.CommandLine;
using Orleans.Uploads.Bench;

// dotnet run -c Release --project bench/Orleans.Uploads.Bench -- [--size 1GiB] [--runs 5] [--scenarios a,b] [--quick]
// dotnet <bench dll> baseline-server --urls http://127.0.0.1:PORT --dir DIR   (started by the bench itself)
var size = new Option<string>("--size") { Description = "Size of the generated file (e.g. 1GiB, 256MiB, 100MB, or bytes).", DefaultValueFactory = _ => "1GiB" };
var runs = new Option<int>("--runs") { Description = "Measured runs per scenario (the median is reported, with min and max).", DefaultValueFactory = _ => 5 };
var scenarios = new Option<string[]>("--scenarios")
{
    Description = "Scenarios to run, comma or space separated (default: all of " + string.Join(", ", Scenarios.DefaultNames) + "; also available: " + string.Join(", ", Scenarios.ExtraNames) + ").",
    AllowMultipleArgumentsPerToken = true,
};
var quick = new Option<bool>("--quick") { Description = "Smoke run: 128 MiB file, 1 run, 200 small uploads (unless --size/--runs/--many-uploads say otherwise)." };
var manyUploads = new Option<int?>("--many-uploads") { Description = "Sessions in the many-small-uploads scenario (default 1000; 200 with --quick)." };
var manyClients = new Option<int>("--many-clients") { Description = "Client requests in flight in the many-small-uploads scenario.", DefaultValueFactory = _ => 32 };
var serverEnv = new Option<string[]>("--server-env")
{
    Description = "Extra KEY=VALUE environment for every gateway and silo process (e.g. DOTNET_gcServer=0) to measure a setting's effect.",
    AllowMultipleArgumentsPerToken = true,
};
var results = new Option<string?>("--results") { Description = "Also write results.md and results.json into this directory." };
var perf = new Option<bool>("--perf") { Description = "Profile each scenario's server processes with `perf record` (needs linux-perf) and write the top symbols with --results." };
var keepGoing = new Option<bool>("--fail-fast") { Description = "Stop at the first failed scenario (default: record the failure and go on)." };

var root = new RootCommand("Orleans Uploads benchmark: throughput, CPU, RSS and GC of the upload paths against a raw Kestrel baseline.")
{
    size, runs, scenarios, quick, manyUploads, manyClients, serverEnv, results, perf, keepGoing,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var isQuick = parse.GetValue(quick);
    var options = new BenchOptions
    {
        FileSize = parse.GetResult(size) is { Implicit: false } || !isQuick ? Sizes.Parse(parse.GetValue(size)!) : 128L * Sizes.MiB,
        Runs = parse.GetResult(runs) is { Implicit: false } || !isQuick ? parse.GetValue(runs) : 1,
        Scenarios = Scenarios.Select(parse.GetValue(scenarios)),
        ManyUploads = parse.GetValue(manyUploads) ?? (isQuick ? 200 : 1000),
        ManyClients = parse.GetValue(manyClients),
        ServerEnvironment = ParseEnvironment(parse.GetValue(serverEnv)),
        ResultsDirectory = parse.GetValue(results),
        Perf = parse.GetValue(perf),
        FailFast = parse.GetValue(keepGoing),
        Quick = isQuick,
    };
    return await BenchRunner.RunAsync(options, cancellationToken);
});

var urls = new Option<string>("--urls") { Description = "Where to listen (loopback only).", Required = true };
var dir = new Option<string>("--dir") { Description = "Directory the received files are written to.", Required = true };
var baseline = new Command("baseline-server", "The baseline: a minimal Kestrel endpoint that streams a request body straight to a file.") { urls, dir };
baseline.SetAction((parse, cancellationToken) => BaselineServer.RunAsync(parse.GetValue(urls)!, parse.GetValue(dir)!, cancellationToken));
root.Subcommands.Add(baseline);

return await root.Parse(args).InvokeAsync();

static Dictionary<string, string> ParseEnvironment(string[]? pairs)
{
    var environment = new Dictionary<string, string>();
    foreach (var pair in pairs ?? [])
    {
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new ArgumentException($"--server-env expects KEY=VALUE, got '{pair}'");
        }

        environment[pair[..equals]] = pair[(equals + 1)..];
    }

    return environment;
}
