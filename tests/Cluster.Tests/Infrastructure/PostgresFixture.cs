using Npgsql;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Cluster.Tests.Infrastructure;

/// <summary>One private PostgreSQL server per test class; each test takes a fresh, empty database on it.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A new empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"test_{Guid.NewGuid():N}";
        await Sql.ExecuteAsync(Server.ConnectionString, $"CREATE DATABASE {name}");
        return Server.ConnectionStringFor(name);
    }
}
