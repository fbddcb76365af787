using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Uploads.Hosting;
using Orleans.Uploads.Hosting.Configuration;
using Orleans.Uploads.Hosting.Postgres;
using Orleans.Uploads.Hosting.Silos;

// A silo of the upload cluster. Everything comes from configuration (appsettings.json, then environment
// variables such as Cluster__Clustering and Uploads__TempDirectory), so the same binary runs on a laptop
// and in a container.
return await HostStartup.RunAsync("Silo", async gate =>
{
    var builder = Host.CreateApplicationBuilder(args);
    gate.Register(builder.Logging);
    var cluster = builder.AddClusterOptions();
    if (cluster.Clustering == ClusteringKind.Postgres)
    {
        // The providers need their tables before the silo joins; an empty database just works.
        using var logging = LoggerFactory.Create(log => log.AddConsole());
        await PostgresSchema.ApplyAsync(cluster.ConnectionString!, logging.CreateLogger("Orleans.Uploads.Schema"), CancellationToken.None);
    }

    builder.UseOrleans(silo => silo.UseUploadsSilo(cluster));
    return builder.Build().ValidateOptions();
});
