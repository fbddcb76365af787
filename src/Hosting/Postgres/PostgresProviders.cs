using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Uploads.Grains;

namespace Orleans.Uploads.Hosting.Postgres;

/// <summary>
/// The one place that says how the Orleans ADO.NET providers reach the cluster's PostgreSQL (the Npgsql driver and a
/// connection string): membership on silos and clients, grain state and reminders on silos.
/// </summary>
public static class PostgresProviders
{
    /// <summary>The ADO.NET invariant name of the PostgreSQL driver.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>A silo's membership, grain state (<see cref="GrainStorageNames.Uploads"/>) and reminders, all in PostgreSQL.</summary>
    public static ISiloBuilder UsePostgresProviders(this ISiloBuilder silo, string connectionString) => silo
        .UseAdoNetClustering(options => options.UsePostgres(connectionString))
        .AddAdoNetGrainStorage(GrainStorageNames.Uploads, options => options.UsePostgres(connectionString))
        .UseAdoNetReminderService(options => options.UsePostgres(connectionString));

    /// <summary>A client that finds the cluster's gateways in the PostgreSQL membership table.</summary>
    public static IClientBuilder UsePostgresClustering(this IClientBuilder client, string connectionString) =>
        client.UseAdoNetClustering(options => options.UsePostgres(connectionString));

    /// <summary>
    /// Points the options of any Orleans ADO.NET provider at PostgreSQL. Those options types have <c>Invariant</c> and
    /// <c>ConnectionString</c> but no base type in common, so the two are bound by name; a type without them fails when
    /// its options are first read.
    /// </summary>
    public static OptionsBuilder<TOptions> UsePostgres<TOptions>(this OptionsBuilder<TOptions> options, string connectionString)
        where TOptions : class
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Invariant"] = Invariant,
            ["ConnectionString"] = connectionString,
        }).Build();
        return options.Bind(settings, binder => binder.ErrorOnUnknownConfiguration = true);
    }
}
