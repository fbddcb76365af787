using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Bench;

/// <summary>
/// The tus client shapes of issue 17, driven by the real client programs against our gateway or the stand-in (both
/// serve tus under <c>/files/</c>): curl sending the whole file in one PATCH after a POST, and tus-js-client
/// (tests/Clients/tus-js/upload.mjs, Node) in its whole, chunked and parallel modes. Each returns the upload id whose
/// file to verify (for parallel: the final upload) and the wall time from the first request to the last response as
/// the client measured it, so the programs' start-up (node loading its modules) is not counted as upload time.
/// </summary>
public static class TusClientShapes
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string TusJsDirectory { get; } = Path.Combine(RepositoryPaths.Root, "tests", "Clients", "tus-js");

    /// <summary>
    /// POST (the bench's own tus client), then ONE <c>curl -X PATCH -T file</c>: curl streams the file with its
    /// Content-Length (<c>--data-binary @file</c> would read it all into memory first, and refuses files of 1 GiB and
    /// more). <c>Expect:</c> is sent empty, so curl does not wait for a 100 Continue before the body.
    /// </summary>
    public static async Task<(Guid Id, TimeSpan Elapsed)> CurlAsync(UploadContext context, CancellationToken cancellationToken)
    {
        var path = await context.File.PrefixFileAsync(context.Length, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var id = await context.Client.Tus.CreateAsync("bench.mp4", context.Length, cancellationToken);
        var created = Stopwatch.GetElapsedTime(started);

        // The API key (ours) goes on stdin as curl configuration (-K -), never on the command line.
        var config = context.Servers.Access is { } access ? $"header = \"Authorization: Bearer {access.ApiKey}\"\n" : "";
        var run = await ClientProgram.RunAsync("curl",
        [
            "-sS", "-K", "-", "-X", "PATCH", "-T", path, "-H", "Expect:",
            "-H", "Content-Type: " + TusApiClient.OffsetOctetStream, "-H", "Tus-Resumable: " + TusApiClient.Version, "-H", "Upload-Offset: 0",
            "-o", "/dev/null", "-w", "%{http_code} %{time_total}",
            new Uri(context.Servers.BaseAddress, TusApiClient.PathOf(id)).ToString(),
        ], Path.GetTempPath(), config, new Dictionary<string, string>(), cancellationToken);
        var answer = run.Stdout.Trim().Split(' ');
        if (answer is not ["204", var seconds])
        {
            throw new InvalidOperationException($"curl PATCH answered '{run.Stdout.Trim()}' (expected 204)\n{run.Stderr}");
        }

        return (id, created + TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture)));
    }

    /// <summary>tus-js-client in <paramref name="mode"/> (whole, chunked: 5 MiB PATCHes, parallel: 4 partial uploads then a final).</summary>
    public static async Task<(Guid Id, TimeSpan Elapsed)> TusJsAsync(UploadContext context, string mode, CancellationToken cancellationToken)
    {
        RequireTusJs();
        var path = await context.File.PrefixFileAsync(context.Length, cancellationToken);
        string[] extra = mode switch
        {
            "chunked" => ["--chunk-size", (5 * Sizes.MiB).ToString(CultureInfo.InvariantCulture)],
            "parallel" => ["--parallel", "4"],
            _ => [],
        };
        var environment = new Dictionary<string, string>();
        if (context.Servers.Access is { } access)
        {
            environment["TUS_HEADERS"] = JsonSerializer.Serialize(new Dictionary<string, string> { ["Authorization"] = $"Bearer {access.ApiKey}" });
        }

        var run = await ClientProgram.RunAsync("node",
            ["upload.mjs", "--endpoint", new Uri(context.Servers.BaseAddress, "/files/").ToString(), "--file", path, "--mode", mode, "--filename", "bench.mp4", .. extra],
            TusJsDirectory, null, environment, cancellationToken);
        var result = JsonSerializer.Deserialize<TusJsLine>(run.Stdout.Trim(), Json)
            ?? throw new InvalidOperationException($"upload.mjs printed no result: {run.Stdout}");
        if (result.BytesUploaded != context.Length || result.Retries != 0 || result.UploadMilliseconds is not { } milliseconds)
        {
            throw new InvalidOperationException($"tus-js-client did not finish cleanly: {run.Stdout}\n{run.Stderr}");
        }

        return (Guid.Parse(new Uri(result.Url).Segments[^1]), TimeSpan.FromMilliseconds(milliseconds));
    }

    /// <summary>A clear failure when node's packages are missing, instead of a module-not-found trace from node.</summary>
    private static void RequireTusJs()
    {
        var package = Path.Combine(TusJsDirectory, "node_modules", "tus-js-client", "package.json");
        if (!File.Exists(package))
        {
            throw new InvalidOperationException($"tus-js-client is not installed ({package} is missing): run `npm ci` in {TusJsDirectory} (needs node and npm)");
        }
    }

    /// <summary>The part of upload.mjs's one JSON line the bench reads.</summary>
    private sealed record TusJsLine(string Url, long BytesUploaded, int Retries, double? UploadMilliseconds);
}
