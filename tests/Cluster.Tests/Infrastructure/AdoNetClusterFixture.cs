using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using Orleans.Uploads.Hosting.Postgres;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Cluster.Tests.Infrastructure;

/// <summary>
/// A private PostgreSQL with the schema applied, and a two-silo TestCluster whose membership, grain state and
/// reminders all go through the Orleans ADO.NET providers to it (TestCluster's own membership is switched off,
/// so the silos find each other, and the client finds its gateways, through the database).
/// </summary>
public sealed class AdoNetClusterFixture : IAsyncLifetime
{
    public const string ConnectionStringKey = "Tests:PostgresConnectionString";

    /// <summary>A second storage provider that deletes the row on ClearState, to cover DeleteStorageKey.</summary>
    public const string DeleteOnClearStorage = "delete-on-clear";

    public PostgresServer Postgres { get; private set; } = null!;

    public TestCluster Cluster { get; private set; } = null!;

    public string ConnectionString => Postgres.ConnectionString;

    public async Task InitializeAsync()
    {
        Postgres = await PostgresServer.StartAsync();
        await PostgresSchema.ApplyAsync(Postgres.ConnectionString, NullLogger.Instance, CancellationToken.None);

        var builder = new TestClusterBuilder(2);
        builder.Options.UseTestClusterMembership = false;
        builder.ConfigureHostConfiguration(configuration => configuration.AddInMemoryCollection(
            new Dictionary<string, string?> { [ConnectionStringKey] = Postgres.ConnectionString }));
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.StopAllSilosAsync();
            await Cluster.DisposeAsync();
        }

        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var connectionString = silo.Configuration[ConnectionStringKey]!;
            silo.UsePostgresProviders(connectionString);
            silo.AddAdoNetGrainStorage(DeleteOnClearStorage, options => options
                .UsePostgres(connectionString)
                .Configure(storage => storage.DeleteStateOnClear = true));
            silo.UseSystemTextJsonGrainStorageSerializer();

            // A reminder every second, so a test sees it fire without waiting a minute.
            silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.UsePostgresClustering(configuration[ConnectionStringKey]!);
    }
}
