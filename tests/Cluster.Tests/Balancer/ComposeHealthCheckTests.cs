using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Orleans.Uploads.Cluster.Tests.RealCluster;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Cluster.Tests.Balancer;

/// <summary>
/// No Docker engine runs here, but the health checks docker-compose.yml gives its silos, gateways and balancer are
/// plain bash: each is taken from the file as written and run against the same processes on loopback (only the port
/// differs), so a probe that could never pass (a missing Host header, a wrong path) fails here, not in production.
/// </summary>
[Collection(RealClusterCollection.Name)]
public sealed partial class ComposeHealthCheckTests(BalancedClusterFixture fixture) : IClassFixture<BalancedClusterFixture>
{
    [Theory]
    [InlineData("x-silo", 8081)]
    [InlineData("x-gateway", 8080)]
    [InlineData("loadbalancer", 80)]
    public async Task The_compose_health_check_passes_against_the_running_service_and_fails_without_it(string service, int composePort)
    {
        var probe = HealthCheckOf(service);
        Assert.Contains($"/dev/tcp/127.0.0.1/{composePort.ToString(CultureInfo.InvariantCulture)}", probe, StringComparison.Ordinal);
        var port = service switch
        {
            "x-silo" => fixture.Cluster.Silos[0]!.Ports.HealthPort,
            "x-gateway" => fixture.Cluster.Gateways[0]!.BaseAddress.Port,
            _ => fixture.Nginx.Port,
        };

        Assert.Equal(0, await RunAsync(OnPort(probe, composePort, port)));
        Assert.NotEqual(0, await RunAsync(OnPort(probe, composePort, FreePort.Next())));
    }

    /// <summary>The bash command of the service's (or anchor's) <c>healthcheck.test</c>, a JSON-style list in the file.</summary>
    private static string HealthCheckOf(string service)
    {
        var compose = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docker-compose.yml"));
        var start = Regex.Match(compose, $@"^\s*{Regex.Escape(service)}:", RegexOptions.Multiline);
        Assert.True(start.Success, $"docker-compose.yml has no {service}");
        var test = TestLine().Match(compose, start.Index);
        Assert.True(test.Success, $"{service} has no health check");
        var command = JsonSerializer.Deserialize<string[]>(test.Groups["list"].Value)!;
        Assert.Equal(["CMD", "bash", "-c"], command[..3]);
        return command[3];
    }

    private static string OnPort(string probe, int composePort, int port) =>
        probe.Replace($"/dev/tcp/127.0.0.1/{composePort}", $"/dev/tcp/127.0.0.1/{port}", StringComparison.Ordinal);

    private static async Task<int> RunAsync(string command)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode;
    }

    [GeneratedRegex(@"^\s*test: (?<list>\[.*\])\s*$", RegexOptions.Multiline)]
    private static partial Regex TestLine();
}
