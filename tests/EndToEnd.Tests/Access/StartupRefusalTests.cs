// Why this file exists: the one setting that decides whether anyone on the network can use the gateway is checked before
// it listens. This runs the built gateway as a real process with each unsafe combination and checks it refuses to
// start, exit code 1 and one plain line naming what to configure (no stack trace, no secret), and that the one open
// configuration allowed (standalone, loopback only, no keys) says so once and still refuses a wrong credential. The
// refused processes exit before they listen; no test here starts a server reachable beyond loopback. Every other start-up
// failure (a setting that does not parse or is out of range, a busy port) ends the same way, and a fresh start warns of
// nothing but open mode.

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.EndToEnd.Tests.Access;

/// <summary>Start-up refusals and the open-mode warning of the built gateway process.</summary>
public sealed class StartupRefusalTests
{
    private const string NoCallers = "Gateway not started: no callers are configured (Auth:ApiKeys, Auth:Jwt) and the gateway ";

    [Fact]
    public async Task Without_callers_a_gateway_that_would_listen_beyond_loopback_exits_1_with_one_line()
    {
        // The test holds the port on loopback: even a gateway that wrongly went on could not listen on every address with it.
        using var held = new TcpListener(IPAddress.Loopback, 0);
        held.Start();
        var port = ((IPEndPoint)held.LocalEndpoint).Port;

        var output = await RefusedAsync(Ports(), "--urls", $"http://0.0.0.0:{port}");

        Assert.StartsWith(NoCallers + "would listen on http://0.0.0.0:", output, StringComparison.Ordinal);
        Assert.Contains("Auth:AllowAnonymous=true", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_callers_a_cluster_client_gateway_exits_1_with_one_line()
    {
        var output = await RefusedAsync(new Dictionary<string, string>(Ports()) { ["Cluster__Mode"] = "Client" }, "--urls", Loopback());

        Assert.StartsWith(NoCallers + "runs in cluster mode.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cluster_client_gateway_with_an_API_key_but_no_token_signing_key_exits_1_naming_the_setting()
    {
        var keys = AccessKeys.Generate();
        var environment = new Dictionary<string, string>(Ports())
        {
            ["Cluster__Mode"] = "Client",
            ["Auth__ApiKeys__0__Name"] = "backend",
            ["Auth__ApiKeys__0__Key"] = keys.ApiKey,
            ["Auth__ApiKeys__0__Projects__0"] = "*",
        };

        var output = await RefusedAsync(environment, "--urls", Loopback());

        Assert.StartsWith("Gateway not started: Auth:UploadTokens:SigningKeys is required in cluster mode", output, StringComparison.Ordinal);
        Assert.DoesNotContain(keys.ApiKey, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_standalone_loopback_gateway_without_keys_warns_once_and_acts_for_the_local_developer_but_refuses_a_wrong_key()
    {
        using var directory = new TempDirectory("uploads-open");
        await using var server = await GatewayServer.StartAsync(directory.Path);

        using var anonymous = AccessHttp.Client(server);
        var upload = await AccessHttp.InitiateAsync(anonymous, server, 10, projectId: "any-project");
        await AccessHttp.AssertStatusAsync(anonymous, AccessHttp.Request(HttpMethod.Get, "/api/uploads/statistics"), HttpStatusCode.OK, server);

        // Open is not lax: a credential that is there must be right, open mode or not.
        using var wrongKey = AccessHttp.Client(server, AccessKeys.NewSecret());
        await AccessHttp.AssertProblemAsync(wrongKey, AccessHttp.Request(HttpMethod.Get, $"/api/uploads/{upload.UploadId}"), HttpStatusCode.Unauthorized, "invalid_credentials", server);
        await AccessHttp.AssertProblemAsync(
            anonymous, AccessHttp.Request(HttpMethod.Get, $"/api/uploads/{upload.UploadId}", AccessHttp.Forge(upload.UploadToken)), HttpStatusCode.Unauthorized, "invalid_credentials", server);

        var warnings = server.Process.Output.Split(Environment.NewLine).Where(line => line.Contains("Access control is off", StringComparison.Ordinal)).ToList();
        Assert.True(
            warnings.Count == 1 && warnings[0].Contains("listens on loopback only", StringComparison.Ordinal),
            $"expected one 'Access control is off' line about loopback, got {warnings.Count}\n{AccessHttp.Tail(server, 200)}");
    }

    [Theory]
    [InlineData("Uploads__ChunkSize", "abc", "Gateway not started: Failed to convert configuration value 'abc' at 'Uploads:ChunkSize' to type 'System.Int32'.")]
    [InlineData("Uploads__ChunkSize", "10", "Gateway not started: Uploads:ChunkSize must be between 65536 and 33554432 bytes (got 10)")]
    [InlineData("Cleanup__Retention", "soon", "Gateway not started: Failed to convert configuration value 'soon' at 'Cleanup:Retention' to type 'System.TimeSpan'.")]
    public async Task A_setting_that_does_not_parse_or_is_out_of_range_exits_1_with_one_line_naming_it(string setting, string value, string expected)
    {
        var output = await RefusedAsync(new Dictionary<string, string>(Ports()) { [setting] = value }, "--urls", Loopback());

        Assert.StartsWith(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_busy_port_exits_1_ending_with_one_line_naming_the_address_and_no_stack_trace()
    {
        // The test holds the port on loopback; the gateway starts its silo, then fails to bind and says so.
        using var held = new TcpListener(IPAddress.Loopback, 0);
        held.Start();
        var address = $"http://127.0.0.1:{((IPEndPoint)held.LocalEndpoint).Port}";

        var output = await ExitedAsync(Ports(), "--urls", address);

        var lines = output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"Gateway not started: Failed to bind to address {address}: address already in use.", lines[^1]);
        Assert.DoesNotContain(lines, line => line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("SiloPort")]
    [InlineData("GatewayPort")]
    public async Task A_busy_silo_port_exits_1_with_the_open_mode_warning_and_one_line_naming_the_setting(string setting)
    {
        // The test holds the port on loopback, where the embedded silo listens: as a second silo on this machine would find it.
        using var held = new TcpListener(IPAddress.Loopback, 0);
        held.Start();
        var port = ((IPEndPoint)held.LocalEndpoint).Port;
        var environment = Ports();
        environment[$"Cluster__{setting}"] = port.ToString(CultureInfo.InvariantCulture);

        var output = await ExitedAsync(environment, "--urls", Loopback());

        var lines = output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"Gateway not started: Cluster:{setting} {port} is already in use on 127.0.0.1 (another silo on this machine?); stop it or choose a free port.", lines[^1]);
        Assert.DoesNotContain(lines, line => line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_fresh_start_logs_no_warning_or_error_but_the_open_mode_one()
    {
        using var directory = new TempDirectory("uploads-fresh");
        await using var server = await GatewayServer.StartAsync(directory.Path);
        using var http = AccessHttp.Client(server);
        await AccessHttp.AssertStatusAsync(http, AccessHttp.Request(HttpMethod.Get, "/api/uploads/statistics"), HttpStatusCode.OK, server);

        var lines = server.Process.Output.Split(Environment.NewLine);
        var alarming = lines.Select((line, index) => (line, index))
            .Where(entry => entry.line.StartsWith("warn:", StringComparison.Ordinal) || entry.line.StartsWith("fail:", StringComparison.Ordinal) || entry.line.StartsWith("crit:", StringComparison.Ordinal))
            .Where(entry => !(entry.index + 1 < lines.Length && lines[entry.index + 1].Contains("Access control is off", StringComparison.Ordinal)))
            .Select(entry => entry.line + " " + (entry.index + 1 < lines.Length ? lines[entry.index + 1].Trim() : ""))
            .ToList();
        Assert.True(alarming.Count == 0, "unexpected warnings or errors:\n" + string.Join("\n", alarming));
    }

    /// <summary>Runs the gateway with <paramref name="environment"/>, expects exit code 1 and exactly one line of output: that line.</summary>
    private static async Task<string> RefusedAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var output = await ExitedAsync(environment, arguments);
        var lines = output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line, got {lines.Length}:\n{output}");
        return lines[0];
    }

    /// <summary>Runs the gateway with <paramref name="environment"/>, expects exit code 1 within 20 s and no stack trace: its output.</summary>
    private static async Task<string> ExitedAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        using var directory = new TempDirectory("uploads-refused");
        await using var process = ServerProcess.Start(
            "gateway", RepositoryPaths.BuiltAssembly("Gateway", "Orleans.Uploads.Gateway"), directory.Path, environment, arguments);
        try
        {
            await process.WaitForExitAsync(TimeSpan.FromSeconds(20));
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the gateway did not exit within 20 s: it started instead of refusing\n{process.Output}");
        }

        var output = process.Output;
        Assert.True(process.ExitCode == 1, $"expected exit code 1, got {process.ExitCode}\n{output}");
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        return output;
    }

    /// <summary>Silo ports of its own for a gateway that would start one, so a refusal never depends on 11111 being free.</summary>
    private static Dictionary<string, string> Ports() => new()
    {
        ["Cluster__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["Cluster__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
    };

    private static string Loopback() => $"http://127.0.0.1:{FreePort.Next()}";
}
