using System.Globalization;
using System.Security.Cryptography;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.EndToEnd.Tests.Tus;

/// <summary>
/// The real <c>curl</c> binary against a gateway: tus requests with <c>-i</c> (status line and headers parsed from what curl
/// prints, interim answers kept aside) and downloads with <c>-o FILE -w '%{http_code}'</c>. Every request carries
/// <paramref name="protocolHeader"/>: tus 1.0.0's unless a test speaks another protocol (the resumable-upload draft's).
/// </summary>
public sealed class Curl(GatewayServer server, string workingDirectory, string protocolHeader = "Tus-Resumable: 1.0.0")
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    /// <summary>curl's exit code for "operation timed out" (--max-time).</summary>
    private const int CurlTimedOut = 28;

    /// <summary>
    /// <c>curl -sS -i -X METHOD URL -H ... [--data-binary @FILE]</c> (<c>-I</c> for HEAD); every request names the protocol.
    /// </summary>
    public Task<CurlResponse> SendAsync(string method, string path, IReadOnlyDictionary<string, string>? headers = null, string? bodyFile = null) =>
        SendAsync(method, path, headers, bodyFile, ["--max-time", "50"], cutOff: false);

    /// <summary>
    /// Like <see cref="SendAsync(string, string, IReadOnlyDictionary{string, string}?, string?)"/>, but the body goes at
    /// <paramref name="bytesPerSecond"/> and curl gives up after <paramref name="seconds"/>: a request cut off mid-body
    /// (curl's exit code 28), whose interim answers are all it printed.
    /// </summary>
    public Task<CurlResponse> SendCutOffAsync(string method, string path, IReadOnlyDictionary<string, string> headers, string bodyFile, int bytesPerSecond, int seconds) =>
        SendAsync(method, path, headers, bodyFile, ["--limit-rate", bytesPerSecond.ToString(CultureInfo.InvariantCulture), "--max-time", seconds.ToString(CultureInfo.InvariantCulture)], cutOff: true);

    private async Task<CurlResponse> SendAsync(string method, string path, IReadOnlyDictionary<string, string>? headers, string? bodyFile, string[] limits, bool cutOff)
    {
        List<string> arguments = ["-sS", .. limits, method == "HEAD" ? "-I" : "-i"];
        if (method != "HEAD")
        {
            arguments.AddRange(["-X", method]);
        }

        arguments.Add(new Uri(server.BaseAddress, path).ToString());
        arguments.AddRange(["-H", protocolHeader]);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            arguments.AddRange(["-H", $"{name}: {value}"]);
        }

        if (bodyFile is not null)
        {
            arguments.AddRange(["--data-binary", "@" + bodyFile]);
        }

        var run = await RunAsync(arguments, cutOff ? CurlTimedOut : 0);
        return CurlResponse.Parse(run, $"--- {server.Process.Name} output ---\n{server.Process.Output}");
    }

    /// <summary><c>curl -sS -o FILE -w '%{http_code}' URL</c>: the status, and the sha256 and length of what was saved.</summary>
    public async Task<(int Status, long Length, string Sha256)> DownloadAsync(string path)
    {
        var target = Path.Combine(workingDirectory, $"download-{Guid.NewGuid():N}.bin");
        var run = await RunAsync(["-sS", "--max-time", "50", "-o", target, "-w", "%{http_code}", new Uri(server.BaseAddress, path).ToString()]);
        try
        {
            var status = int.Parse(run.Stdout.Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
            if (!File.Exists(target))
            {
                return (status, 0, "");
            }

            await using var saved = File.OpenRead(target);
            return (status, saved.Length, Convert.ToHexStringLower(await SHA256.HashDataAsync(saved)));
        }
        finally
        {
            File.Delete(target);
        }
    }

    private async Task<ClientRun> RunAsync(IReadOnlyList<string> arguments, int expectedExitCode = 0)
    {
        var run = await ClientProcess.RunAsync("curl", arguments, workingDirectory, RunTimeout);
        if (run.ExitCode != expectedExitCode)
        {
            Assert.Fail($"curl failed\n{run.Describe()}\n--- {server.Process.Name} output ---\n{server.Process.Output}");
        }

        return run;
    }
}

/// <summary>
/// The final answer of a <c>curl -i</c> run: status (0 when the request was cut off before one), headers
/// (case-insensitive names), body, the interim (1xx) answers before it, and the run itself for messages.
/// </summary>
public sealed class CurlResponse
{
    private CurlResponse(int status, Dictionary<string, string> headers, string body, string context, IReadOnlyList<CurlResponse> interim)
    {
        Status = status;
        Headers = headers;
        Body = body;
        Context = context;
        Interim = interim;
    }

    public int Status { get; }

    public IReadOnlyList<CurlResponse> Interim { get; }

    public IReadOnlyDictionary<string, string> Headers { get; }

    public string Body { get; }

    /// <summary>The command, what it printed and the server's output: for failure messages.</summary>
    public string Context { get; }

    public string? Header(string name) => Headers.GetValueOrDefault(name);

    public long LongHeader(string name) =>
        long.Parse(Header(name) ?? throw new InvalidOperationException($"no {name} header\n{Context}"), NumberStyles.None, CultureInfo.InvariantCulture);

    public CurlResponse Expect(int status)
    {
        Assert.True(Status == status, $"expected HTTP {status}, got {Status}\n{Context}");
        return this;
    }

    public static CurlResponse Parse(ClientRun run, string serverOutput)
    {
        var context = $"{run.Describe()}\n{serverOutput}";
        var rest = run.Stdout;
        var interim = new List<CurlResponse>();
        while (true)
        {
            if (rest.Length == 0 && interim.Count > 0)
            {
                // Cut off after its interim answers: no final one came.
                return new CurlResponse(0, new Dictionary<string, string>(), "", context, interim);
            }

            var end = rest.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var block = end < 0 ? rest : rest[..end];
            var lines = block.Split("\r\n");
            var statusLine = lines[0].Split(' ', 3);
            if (statusLine.Length < 2 || !statusLine[0].StartsWith("HTTP/", StringComparison.Ordinal)
                || !int.TryParse(statusLine[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
            {
                throw new InvalidOperationException($"curl printed no HTTP status line\n{context}");
            }

            rest = end < 0 ? "" : rest[(end + 4)..];
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in lines.Skip(1))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                }
            }

            if (status is >= 100 and < 200)
            {
                interim.Add(new CurlResponse(status, headers, "", context, []));
                continue;
            }

            return new CurlResponse(status, headers, rest, context, interim);
        }
    }
}
