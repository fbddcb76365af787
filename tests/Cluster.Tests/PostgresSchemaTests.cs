using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Uploads.Cluster.Tests.Infrastructure;
using Orleans.Uploads.Hosting;
using Orleans.Uploads.Hosting.Postgres;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Cluster.Tests;

public sealed class PostgresSchemaTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string MigrationRows = "SELECT version, name, applied_at FROM uploads_schema_migrations ORDER BY version";
    private const string QueryRows = "SELECT querykey, querytext FROM orleansquery ORDER BY querykey";

    [Fact]
    public async Task Applying_to_an_empty_database_creates_the_tables_and_every_query_the_providers_need()
    {
        var database = await postgres.CreateDatabaseAsync();

        await PostgresSchema.ApplyAsync(database, NullLogger.Instance, CancellationToken.None);

        var tables = await Sql.RowsAsync(database, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
        Assert.Equal(
            ["orleans_grain_state", "orleans_membership", "orleans_membership_version", "orleans_reminders", "orleansquery", "upload_chunks", "upload_sessions", "uploads_schema_migrations", "videos"],
            tables);

        var keys = await Sql.RowsAsync(database, "SELECT querykey FROM orleansquery ORDER BY 1");
        string[] required = [.. ProviderContract.Clustering, .. ProviderContract.GrainStorage, .. ProviderContract.Reminders, ProviderContract.OptionalCleanupKey];
        Assert.Equal(required.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));

        var migrations = await Sql.RowsAsync(database, "SELECT version || ' ' || name FROM uploads_schema_migrations ORDER BY version");
        Assert.Equal(["1 0001_orleans_query", "2 0002_membership", "3 0003_grain_state", "4 0004_reminders", "5 0005_upload_catalog"], migrations);
    }

    [Fact]
    public async Task Applying_again_changes_nothing()
    {
        var database = await postgres.CreateDatabaseAsync();
        await PostgresSchema.ApplyAsync(database, NullLogger.Instance, CancellationToken.None);
        var migrations = await Sql.RowsAsync(database, MigrationRows);
        var queries = await Sql.RowsAsync(database, QueryRows);

        var logger = new ListLogger();
        await PostgresSchema.ApplyAsync(database, logger, CancellationToken.None);

        Assert.Equal(migrations, await Sql.RowsAsync(database, MigrationRows));
        Assert.Equal(queries, await Sql.RowsAsync(database, QueryRows));
        Assert.DoesNotContain(logger.Messages, message => message.Contains("applied migration", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_silos_applying_at_the_same_moment_both_succeed_and_the_schema_is_applied_once()
    {
        var database = await postgres.CreateDatabaseAsync();
        var first = new ListLogger();
        var second = new ListLogger();
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var applying = new[] { first, second }
            .Select(logger => Task.Run(async () =>
            {
                await go.Task;
                await PostgresSchema.ApplyAsync(database, logger, CancellationToken.None);
            }))
            .ToArray();
        go.SetResult();
        await Task.WhenAll(applying);

        var applied = first.Messages.Concat(second.Messages).Count(message => message.Contains("applied migration", StringComparison.Ordinal));
        Assert.Equal(5, applied);
        Assert.Equal(5, await Sql.ScalarAsync<long>(database, "SELECT count(*) FROM uploads_schema_migrations"));
    }

    [Fact]
    public async Task Applying_waits_while_another_process_holds_the_schema_lock()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var holder = new NpgsqlConnection(database);
        await holder.OpenAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", holder))
        {
            take.Parameters.AddWithValue("key", PostgresSchema.AdvisoryLockKey);
            await take.ExecuteNonQueryAsync();
        }

        var applying = PostgresSchema.ApplyAsync(database, NullLogger.Instance, CancellationToken.None);
        await Eventually.WaitUntilAsync(
            async () => await Sql.ScalarAsync<long>(database, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())") == 1,
            "the applier to wait for the schema lock",
            TimeSpan.FromSeconds(15));
        Assert.False(applying.IsCompleted);
        Assert.Equal(0L, await Sql.ScalarAsync<long>(database, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'uploads_schema_migrations'"));

        await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", holder))
        {
            release.Parameters.AddWithValue("key", PostgresSchema.AdvisoryLockKey);
            await release.ExecuteNonQueryAsync();
        }

        await applying;
        Assert.Equal(5L, await Sql.ScalarAsync<long>(database, "SELECT count(*) FROM uploads_schema_migrations"));
    }

    [Fact]
    public async Task An_unreachable_server_fails_fast_with_a_message_naming_where_but_not_the_password()
    {
        var port = FreePort.Next();
        var connectionString = $"Host=127.0.0.1;Port={port};Database=uploads;Username=uploads;Password=s3cret-Pa55;Timeout=3";

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<StartupFailureException>(() => PostgresSchema.ApplyAsync(connectionString, NullLogger.Instance, CancellationToken.None));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Contains("PostgreSQL could not be reached", error.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("database 'uploads'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_schema_survives_a_database_restart_and_is_not_applied_again()
    {
        await using var server = await PostgresServer.StartAsync();
        await PostgresSchema.ApplyAsync(server.ConnectionString, NullLogger.Instance, CancellationToken.None);
        var migrations = await Sql.RowsAsync(server.ConnectionString, MigrationRows);

        await server.StopAsync();
        var refused = await Assert.ThrowsAsync<StartupFailureException>(
            () => PostgresSchema.ApplyAsync(server.ConnectionString + ";Timeout=3", NullLogger.Instance, CancellationToken.None));
        Assert.Contains("could not be reached", refused.Message, StringComparison.Ordinal);

        await using var restarted = await PostgresServer.StartAsync(server.DataDirectory);
        Assert.Equal(server.Port, restarted.Port);
        await PostgresSchema.ApplyAsync(restarted.ConnectionString, NullLogger.Instance, CancellationToken.None);
        Assert.Equal(migrations, await Sql.RowsAsync(restarted.ConnectionString, MigrationRows));
    }
}
