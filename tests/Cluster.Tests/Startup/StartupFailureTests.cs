using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Cluster.Tests.Startup;

/// <summary>A silo or gateway pointed at a database it cannot reach stops at once and says why.</summary>
public sealed class StartupFailureTests
{
    [Theory]
    [InlineData("Silo", "Orleans.Uploads.Silo", "Silo not started")]
    [InlineData("Gateway", "Orleans.Uploads.Gateway", "Gateway not started")]
    public async Task An_unreachable_database_fails_start_up_with_a_clear_message(string project, string assembly, string expected)
    {
        using var directory = new TempDirectory("startup");
        var nobodyListens = FreePort.Next();
        // A cluster gateway needs credentials before anything else: give it some, so the database is what fails.
        var environment = new Dictionary<string, string>(AccessKeys.Generate().GatewayEnvironment)
        {
            ["Cluster__Mode"] = "Client",
            ["Cluster__Clustering"] = "Postgres",
            ["Cluster__ConnectionString"] = $"Host=127.0.0.1;Port={nobodyListens};Username=uploads;Password=hunter2;Database=uploads;Timeout=3",
        };

        await using var process = ServerProcess.Start(
            project, RepositoryPaths.BuiltAssembly(project, assembly), directory.Path, environment, "--urls", $"http://127.0.0.1:{FreePort.Next()}");
        await process.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, process.ExitCode);
        Assert.Contains(expected, process.Output, StringComparison.Ordinal);
        Assert.Contains($"PostgreSQL could not be reached at 127.0.0.1:{nobodyListens}", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", process.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Silo", "Orleans.Uploads.Silo")]
    [InlineData("Gateway", "Orleans.Uploads.Gateway")]
    public async Task Invalid_settings_stop_start_up_naming_each_bad_setting(string project, string assembly)
    {
        using var directory = new TempDirectory("startup");
        await using var process = await RunLocalAsync(project, assembly, directory, new Dictionary<string, string>
        {
            ["Uploads__ChunkSize"] = "10",
            ["Cleanup__Retention"] = "00:00:00",
        });

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("Uploads:ChunkSize must be between 65536 and 33554432 bytes (got 10)", process.Output, StringComparison.Ordinal);
        Assert.Contains("Cleanup:Retention must be at least one second", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", process.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Silo", "Orleans.Uploads.Silo", "Silo not started")]
    [InlineData("Gateway", "Orleans.Uploads.Gateway", "Gateway not started")]
    public async Task A_grain_state_database_that_cannot_be_opened_stops_start_up_naming_the_file(string project, string assembly, string expected)
    {
        using var directory = new TempDirectory("startup");
        var database = directory.Combine("state", "grains.sqlite");
        Directory.CreateDirectory(database); // a directory where the database file belongs: SQLite cannot open it
        await using var process = await RunLocalAsync(project, assembly, directory, new Dictionary<string, string>
        {
            ["Uploads__StateDirectory"] = directory.Combine("state"),
        });

        Assert.True(process.ExitCode == 1, $"expected exit code 1, got {process.ExitCode}\n{process.Output}");
        Assert.Contains($"{expected}: The grain state database {database} could not be opened (Uploads:StateDirectory)", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", process.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Silo", "Orleans.Uploads.Silo", "Silo not started")]
    [InlineData("Gateway", "Orleans.Uploads.Gateway", "Gateway not started")]
    public async Task A_setting_that_does_not_parse_exits_1_with_one_line_and_no_stack_trace(string project, string assembly, string expected)
    {
        using var directory = new TempDirectory("startup");
        await using var process = await RunLocalAsync(project, assembly, directory, new Dictionary<string, string>
        {
            ["Uploads__ChunkSize"] = "abc",
        });

        Assert.True(process.ExitCode == 1, $"expected exit code 1, got {process.ExitCode}\n{process.Output}");
        Assert.Equal(
            $"{expected}: Failed to convert configuration value 'abc' at 'Uploads:ChunkSize' to type 'System.Int32'.",
            Assert.Single(process.Output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public async Task A_missing_connection_string_names_the_setting()
    {
        using var directory = new TempDirectory("startup");
        var environment = new Dictionary<string, string> { ["Cluster__Clustering"] = "Postgres" };

        await using var process = ServerProcess.Start("Silo", RepositoryPaths.BuiltAssembly("Silo", "Orleans.Uploads.Silo"), directory.Path, environment);
        await process.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("Cluster:ConnectionString is required", process.Output, StringComparison.Ordinal);
    }

    /// <summary>Starts a standalone silo or gateway on free ports with <paramref name="settings"/> and waits, at most 30 s, for it to exit.</summary>
    private static async Task<ServerProcess> RunLocalAsync(string project, string assembly, TempDirectory directory, Dictionary<string, string> settings)
    {
        settings["Cluster__SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Cluster__GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = ServerProcess.Start(
            project, RepositoryPaths.BuiltAssembly(project, assembly), directory.Path, settings, "--urls", $"http://127.0.0.1:{FreePort.Next()}");
        try
        {
            await process.WaitForExitAsync(TimeSpan.FromSeconds(30));
            return process;
        }
        catch
        {
            await process.DisposeAsync(); // the caller never gets it to dispose: stop it here
            throw;
        }
    }
}
