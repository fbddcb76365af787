using Orleans.Uploads.Hosting;
using Orleans.Uploads.Hosting.Catalog;
using Orleans.Uploads.Hosting.Configuration;
using Orleans.Uploads.Hosting.Postgres;
using Orleans.Uploads.Hosting.Silos;
using Orleans.Uploads.Silo.Health;
using Orleans.Uploads.Silo.Telemetry;

// A silo of the upload cluster. Everything comes from configuration (appsettings.json, then environment
// variables such as Cluster__Clustering and Uploads__TempDirectory), so the same binary runs on a laptop
// and in a container. It serves HTTP only for its health probes (see SiloHealthEndpoints), /metrics and the dashboard (see SiloTelemetry).
// `rebuild-tables` writes the seed's tables again from the stored grain state and exits (see CatalogRebuild).
if (RebuildTablesCommand.IsRequested(args, out var settings))
{
    return await RebuildTablesCommand.RunAsync(async () =>
    {
        var rebuild = WebApplication.CreateBuilder(ConfigurationReload.Off(settings));
        var cluster = rebuild.AddClusterOptions();
        if (cluster.Clustering == ClusteringKind.Postgres)
        {
            await PostgresSchema.ApplyAsync(cluster.ConnectionString!, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);
        }

        rebuild.UseOrleans(silo => silo.UseUploadsSilo(cluster));
        return rebuild.Build();
    });
}

return await HostStartup.RunAsync("Silo", async gate =>
{
    var builder = WebApplication.CreateBuilder(ConfigurationReload.Off(args));
    gate.Register(builder.Logging);
    var cluster = builder.AddClusterOptions();
    if (cluster.Clustering == ClusteringKind.Postgres)
    {
        // The providers need their tables before the silo joins; an empty database just works.
        using var logging = LoggerFactory.Create(log => log.AddConsole());
        await PostgresSchema.ApplyAsync(cluster.ConnectionString!, logging.CreateLogger("Orleans.Uploads.Schema"), CancellationToken.None);
    }

    builder.UseOrleans(silo => silo.UseUploadsSilo(cluster));
    builder.Services.AddSiloHealthChecks();
    builder.AddSiloTelemetry();
    var app = builder.Build().ValidateOptions();
    app.MapSiloHealth();
    app.MapSiloTelemetry();
    return app;
});
