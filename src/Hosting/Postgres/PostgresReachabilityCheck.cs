using Microsoft.Extensions.Hosting;

namespace Orleans.Uploads.Hosting.Postgres;

/// <summary>Fails start-up when the cluster's PostgreSQL cannot be reached.</summary>
public sealed class PostgresReachabilityCheck(string connectionString) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await PostgresSchema.OpenAsync(connectionString, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
