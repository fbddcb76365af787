using System.Globalization;
using System.Text.Json;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.EndToEnd.Tests.Tus;

/// <summary>
/// tests/Clients/tus-js/upload.mjs: the real tus-js-client (Node build) run by <c>node</c> against a gateway's /files/.
/// Its dependencies come from scripts/install-test-prerequisites.sh (npm ci of the committed package-lock.json).
/// <paramref name="headers"/> go on every request the client sends (its <c>headers</c> option), passed in the
/// <c>TUS_HEADERS</c> environment variable, never on the command line: they are credentials.
/// </summary>
public sealed class TusJsClient(GatewayServer server, IReadOnlyDictionary<string, string>? headers = null)
{
    public const string HeadersVariable = "TUS_HEADERS";

    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Directory { get; } = Path.Combine(RepositoryPaths.Root, "tests", "Clients", "tus-js");

    public Uri Endpoint => new(server.BaseAddress, "/files/");

    /// <summary>Fails (never skips) when the client's packages are not installed.</summary>
    public static void RequireInstalled()
    {
        var package = Path.Combine(Directory, "node_modules", "tus-js-client", "package.json");
        if (!File.Exists(package))
        {
            Assert.Fail($"tus-js-client is not installed: {package} is missing. Run scripts/install-test-prerequisites.sh "
                + "(it runs npm ci in tests/Clients/tus-js) before these tests.");
        }
    }

    /// <summary>A new upload of <paramref name="file"/> to the gateway's endpoint; expects exit code 0.</summary>
    public Task<TusJsResult> UploadAsync(RandomFile file, string mode, string filename, params string[] options) =>
        RunAsync(UploadArguments(file, mode, filename, options));

    /// <summary>The same client, sending <paramref name="requestHeaders"/> (instead of any it had) on every request.</summary>
    public TusJsClient WithHeaders(IReadOnlyDictionary<string, string> requestHeaders) => new(server, requestHeaders);

    /// <summary>A new upload expected to fail: the run as it ended (exit code, stderr), for the test to check.</summary>
    public Task<ClientRun> TryUploadAsync(RandomFile file, string mode, string filename, params string[] options) =>
        RunProcessAsync(UploadArguments(file, mode, filename, options));

    /// <summary>A resume expected to fail: the run as it ended.</summary>
    public Task<ClientRun> TryResumeAsync(RandomFile file, string uploadUrl, params string[] options) =>
        RunProcessAsync(["--file", file.Path, "--mode", "resume", "--upload-url", uploadUrl, .. options]);

    /// <summary>Resumes the upload at <paramref name="uploadUrl"/> (HEAD, then PATCH from its offset); expects exit code 0.</summary>
    public Task<TusJsResult> ResumeAsync(RandomFile file, string uploadUrl, params string[] options) =>
        RunAsync(["--file", file.Path, "--mode", "resume", "--upload-url", uploadUrl, .. options]);

    public static string Bytes(long count) => count.ToString(CultureInfo.InvariantCulture);

    private string[] UploadArguments(RandomFile file, string mode, string filename, string[] options) =>
        ["--endpoint", Endpoint.ToString(), "--file", file.Path, "--mode", mode, "--filename", filename, .. options];

    private Task<ClientRun> RunProcessAsync(string[] arguments)
    {
        RequireInstalled();
        var environment = headers is null ? null : new Dictionary<string, string> { [HeadersVariable] = JsonSerializer.Serialize(headers) };
        return ClientProcess.RunAsync("node", ["upload.mjs", .. arguments], Directory, RunTimeout, environment);
    }

    private async Task<TusJsResult> RunAsync(string[] arguments)
    {
        var run = await RunProcessAsync(arguments);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (run.ExitCode != 0 || lines.Length != 1)
        {
            Assert.Fail($"tus-js-client run failed (expected exit code 0 and one JSON line)\n{run.Describe()}\n{ServerOutput}");
        }

        try
        {
            var result = JsonSerializer.Deserialize<TusJsResult>(lines[0], Json) ?? throw new JsonException("null");
            return result with { Run = run };
        }
        catch (JsonException ex)
        {
            Assert.Fail($"tus-js-client printed no result JSON ({ex.Message})\n{run.Describe()}");
            throw;
        }
    }

    /// <summary>
    /// Asserts a run ended with the whole file acknowledged, not aborted, with no retry, at an upload URL of this gateway;
    /// a failure shows the client's run and the server's output.
    /// </summary>
    public void AssertFinished(TusJsResult result, RandomFile file)
    {
        var context = $"{result.Run?.Describe()}\n{ServerOutput}";
        Assert.False(result.Aborted, context);
        Assert.True(result.Retries == 0, "the client had to retry:\n" + context);
        Assert.Equal(file.Size, result.BytesUploaded);
        Assert.Matches("^http://127\\.0\\.0\\.1:[0-9]+/files/[0-9a-f]{32}$", result.Url);
    }

    public string ServerOutput => $"--- {server.Process.Name} output ---\n{server.Process.Output}";
}

/// <summary>The one JSON line upload.mjs prints.</summary>
public sealed record TusJsResult(
    string Url, long BytesUploaded, bool Aborted, long? FirstPatchOffset, Dictionary<string, int> Requests, int Retries, long? TerminateMilliseconds = null)
{
    public ClientRun? Run { get; init; }

    public int RequestCount(string method) => Requests.GetValueOrDefault(method);

    /// <summary>Only the HTTP methods that were sent, e.g. "HEAD=1 PATCH=12".</summary>
    public string RequestSummary => string.Join(' ', Requests.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}={r.Value}"));
}
