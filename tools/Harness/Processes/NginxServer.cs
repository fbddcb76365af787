using System.Globalization;
using System.Text.RegularExpressions;

namespace Orleans.Uploads.Harness;

/// <summary>
/// The shipped load balancer, deploy/nginx.conf, run by Debian's nginx (package nginx-light) in front of gateways on
/// loopback. The file is used as shipped but for what must differ on one machine: the upstream servers (loopback
/// gateways instead of the compose service names, which also drops `resolve`, a 1.27.3 feature Debian's nginx lacks and
/// that addresses do not need), the listen address, and nginx's own files (pid, error log, temp directories) in a temp
/// directory of its own. Anything else in the file that this cannot find is an error, not a silent divergence.
/// </summary>
public sealed partial class NginxServer : IAsyncDisposable
{
    public const string ProgramPath = "/usr/sbin/nginx";

    /// <summary>nginx's temp directories; the client_body one is where a request body would be spooled.</summary>
    private static readonly string[] TempKinds = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"];

    private readonly TempDirectory _root;

    private NginxServer(TempDirectory root, ServerProcess process, int port)
    {
        _root = root;
        Process = process;
        Port = port;
    }

    public ServerProcess Process { get; }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>nginx's error log so far (it records, for one, a request body it had to spool to disk).</summary>
    public string ErrorLog => File.Exists(_root.Combine("error.log")) ? File.ReadAllText(_root.Combine("error.log")) : "";

    /// <summary>The directory nginx would spool request bodies into; it stays empty while bodies stream.</summary>
    public string BodyTempDirectory => _root.Combine("client_body");

    /// <summary>Starts nginx with deploy/nginx.conf in front of <paramref name="gateways"/>; ready once it reaches a ready gateway.</summary>
    public static async Task<NginxServer> StartAsync(IEnumerable<Uri> gateways, int? port = null)
    {
        if (!File.Exists(ProgramPath))
        {
            throw new InvalidOperationException($"{ProgramPath} is missing; run scripts/install-test-prerequisites.sh (as root) to install nginx-light.");
        }

        var root = new TempDirectory("uploads-nginx");
        try
        {
            var listen = port ?? FreePort.Next();
            var config = root.Combine("nginx.conf");
            await File.WriteAllTextAsync(config, LocalConfig(await File.ReadAllTextAsync(ShippedConfigPath), gateways, listen, root.Path));
            var process = ServerProcess.StartProgram(
                "nginx", ProgramPath, root.Path, new Dictionary<string, string>(),
                "-p", root.Path, "-c", config, "-e", root.Combine("error.log"), "-g", $"daemon off; pid {root.Combine("nginx.pid")};");
            var server = new NginxServer(root, process, listen);
            await process.WaitUntilReadyAsync(
                async () =>
                {
                    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
                    try
                    {
                        using var response = await http.GetAsync(new Uri(server.BaseAddress, "/health/balancer"));
                        return response.IsSuccessStatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                "nginx to reach a ready gateway");
            return server;
        }
        catch
        {
            root.Dispose();
            throw;
        }
    }

    public static string ShippedConfigPath => Path.Combine(RepositoryPaths.Root, "deploy", "nginx.conf");

    /// <summary>deploy/nginx.conf with loopback gateways, a loopback listen address and nginx's files under <paramref name="directory"/>.</summary>
    public static string LocalConfig(string shipped, IEnumerable<Uri> gateways, int port, string directory)
    {
        var servers = UpstreamServer().Matches(shipped);
        if (servers.Count == 0)
        {
            throw new InvalidOperationException("deploy/nginx.conf has no `server gatewayN:8080 ...;` lines in its upstream block");
        }

        // The first server line becomes every local gateway, with the shipped parameters but `resolve`.
        var parameters = string.Join(' ', servers[0].Groups["parameters"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => p != "resolve"));
        var local = string.Join(Environment.NewLine, gateways.Select(gateway =>
            $"{servers[0].Groups["indent"].Value}server 127.0.0.1:{gateway.Port.ToString(CultureInfo.InvariantCulture)} {parameters};")) + Environment.NewLine;
        var config = shipped.Remove(servers[0].Index, servers[0].Length).Insert(servers[0].Index, local);
        foreach (var extra in UpstreamServer().Matches(config).Reverse())
        {
            config = config.Remove(extra.Index, extra.Length);
        }

        config = Replace(config, ListenLine(), $"        listen 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)};", "`listen 80;`");
        var files = string.Join(Environment.NewLine, TempKinds.Select(kind => $"    {kind}_temp_path {Path.Combine(directory, kind)};"));
        return Replace(config, HttpBlock(), "http {" + Environment.NewLine + files, "`http {`");
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        _root.Dispose();
    }

    private static string Replace(string config, Regex pattern, string replacement, string what) =>
        pattern.IsMatch(config)
            ? pattern.Replace(config, replacement.Replace("$", "$$", StringComparison.Ordinal), 1)
            : throw new InvalidOperationException($"deploy/nginx.conf has no {what} line");

    [GeneratedRegex(@"^(?<indent>[ \t]*)server gateway\d+:8080(?<parameters>[^;]*);[ \t]*\r?\n", RegexOptions.Multiline)]
    private static partial Regex UpstreamServer();

    [GeneratedRegex(@"^[ \t]*listen 80;", RegexOptions.Multiline)]
    private static partial Regex ListenLine();

    [GeneratedRegex(@"^http \{", RegexOptions.Multiline)]
    private static partial Regex HttpBlock();
}
