// Why this exists: the browser tests run tests/Clients/browser/page.mjs (playwright-core driving Debian's chromium
// through the gateway's upload page) and assert on the one JSON line it prints; this runs it and reads that line.

using System.Text.Json;
using Orleans.Uploads.EndToEnd.Tests.Tus;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.EndToEnd.Tests.Browser;

/// <summary>
/// page.mjs against one gateway. Its package (playwright-core, pinned in package-lock.json) comes from
/// scripts/install-test-prerequisites.sh; the browser is /usr/bin/chromium (apt-get install chromium), never a download.
/// </summary>
public sealed class UploadPageDriver(GatewayServer server, string? credential = null)
{
    /// <summary>Carries the credential page.mjs types into the page: the environment, not argv (visible in ps).</summary>
    public const string CredentialVariable = "PAGE_CREDENTIAL";

    public const string Chromium = "/usr/bin/chromium";

    /// <summary>Bounds one whole run (browser start, uploads, reloads): each DOM wait inside it is bounded too.</summary>
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Directory { get; } = Path.Combine(RepositoryPaths.Root, "tests", "Clients", "browser");

    /// <summary>Fails (never skips) when the driver's package or the browser is missing.</summary>
    public static void RequireInstalled()
    {
        var package = Path.Combine(Directory, "node_modules", "playwright-core", "package.json");
        if (!File.Exists(package))
        {
            Assert.Fail($"playwright-core is not installed: {package} is missing. Run scripts/install-test-prerequisites.sh "
                + "(it runs npm ci in tests/Clients/browser) before these tests.");
        }

        if (!File.Exists(Chromium))
        {
            Assert.Fail($"{Chromium} is missing: apt-get install chromium (scripts/install-test-prerequisites.sh does).");
        }
    }

    /// <summary>Runs <paramref name="scenario"/> with <paramref name="files"/>; expects exit code 0 and one JSON line.</summary>
    public async Task<PageRun> RunAsync(string scenario, IEnumerable<string> files, string? query = null, int? holdAfter = null)
    {
        RequireInstalled();
        List<string> arguments = ["page.mjs", "--base-url", server.BaseAddress.ToString(), "--scenario", scenario];
        arguments.AddRange(files.SelectMany(file => new[] { "--file", file }));
        if (query is not null)
        {
            arguments.AddRange(["--query", query]);
        }

        if (holdAfter is { } chunks)
        {
            arguments.AddRange(["--hold-after", chunks.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        var environment = credential is null ? null : new Dictionary<string, string> { [CredentialVariable] = credential };
        var run = await ClientProcess.RunAsync("node", arguments, Directory, RunTimeout, environment);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (run.ExitCode != 0 || lines.Length != 1)
        {
            Assert.Fail($"page.mjs failed (expected exit code 0 and one JSON line)\n{run.Describe()}\n{ServerOutput}");
        }

        var result = JsonSerializer.Deserialize<PageRun>(lines[0], Json) ?? throw new JsonException("page.mjs printed null");
        return result with { Run = run };
    }

    public string ServerOutput => $"--- {server.Process.Name} output ---\n{server.Process.Output}";
}

/// <summary>What page.mjs saw: each file's row when it ended, the chunk PUTs answered, the videos completions returned.</summary>
public sealed record PageRun(
    IReadOnlyList<PageRow> Rows,
    IReadOnlyList<ChunkResponse> ChunkResponses,
    IReadOnlyList<CompletedVideo> Videos,
    IReadOnlyList<string> PageErrors,
    IReadOnlyList<string> ConsoleErrors,
    string? Notice = null,
    string? UploadIdBeforeReload = null,
    ServerProgress? StatusBeforeReload = null,
    int PutsBeforeReload = 0,
    IReadOnlyList<int>? ChunksAfterReload = null)
{
    public ClientRun? Run { get; init; }

    public PageRow Row(string fileName) =>
        Rows.SingleOrDefault(row => row.FileName == fileName) ?? throw new InvalidOperationException($"no row for {fileName}\n{Run?.Describe()}");

    public Guid VideoOf(PageRow row) =>
        Videos.SingleOrDefault(video => video.UploadId == row.UploadId)?.VideoId
        ?? throw new InvalidOperationException($"no completion was answered for upload {row.UploadId}\n{Run?.Describe()}");
}

/// <summary>One upload-row as the page showed it (data-* attributes and the texts of its parts).</summary>
public sealed record PageRow(
    string FileName, string Status, string? UploadId, string? Percent, string? Chunks, string? Error, double? ProgressValue, double? ProgressMax);

public sealed record ChunkResponse(int Chunk, int Status);

public sealed record CompletedVideo(string UploadId, Guid VideoId);

/// <summary>GET /api/uploads/{id} as the driver read it while a chunk was held.</summary>
public sealed record ServerProgress(int CompletedChunks, int TotalChunks, IReadOnlyList<int> MissingChunks);
