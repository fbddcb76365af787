using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Uploads.Grains.Catalog;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Uploads.Hosting.Configuration;

namespace Orleans.Uploads.Hosting.Catalog;

/// <summary>
/// Where the seed's tables live for this process, by the <c>Cluster</c> section: PostgreSQL (Cluster:ConnectionString)
/// when clustering is Postgres, otherwise the SQLite file <see cref="CatalogLocation.SqlitePath"/>. Silos write them
/// through the <see cref="CatalogProjector"/>; gateways read them for listings (a client gateway with the same settings
/// reads the same database).
/// </summary>
public static class CatalogServices
{
    public static IServiceCollection AddUploadCatalog(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<IUploadCatalog>(_ => Create(configuration));
        services.TryAddSingleton<CatalogProjector>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CatalogStartup>());
        return services;
    }

    /// <summary>The catalog the settings name; also what the rebuild command writes to.</summary>
    public static SqlUploadCatalog Create(IConfiguration configuration)
    {
        var cluster = configuration.GetSection(ClusterOptions.SectionName).Get<ClusterOptions>() ?? new ClusterOptions();
        return cluster.Clustering == ClusteringKind.Postgres && cluster.ConnectionString is { Length: > 0 } connectionString
            ? new PostgresUploadCatalog(connectionString)
            : new SqliteUploadCatalog(CatalogLocation.SqlitePath(configuration));
    }
}

/// <summary>Where the standalone server's SQLite catalog is: <c>Catalog:SqlitePath</c>, by default next to the grain state.</summary>
public static class CatalogLocation
{
    public const string SqlitePathSetting = "Catalog:SqlitePath";
    public const string DefaultFileName = "catalog.sqlite";

    public static string SqlitePath(IConfiguration configuration) => Path.GetFullPath(
        configuration[SqlitePathSetting] is { Length: > 0 } configured
            ? configured
            : Path.Combine(StateDirectory(configuration), DefaultFileName));

    public static string StateDirectory(IConfiguration configuration) =>
        configuration.GetSection(UploadOptions.SectionName).Get<UploadOptions>()?.StateDirectory ?? new UploadOptions().StateDirectory;
}

/// <summary>Creates the SQLite tables at start (PostgreSQL's come from the migrations); a failure stops start-up with one line.</summary>
internal sealed class CatalogStartup(IUploadCatalog catalog) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await catalog.EnsureCreatedAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var where = catalog is SqliteUploadCatalog sqlite ? $" at {sqlite.Path}" : "";
            throw new StartupFailureException($"The upload catalog{where} could not be created ({CatalogLocation.SqlitePathSetting}): {ex.Message}", ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
