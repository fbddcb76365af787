using Orleans.Uploads.Gateway.Hosting;
using Orleans.Uploads.Hosting;
using Orleans.Uploads.Hosting.Catalog;
using Orleans.Uploads.Hosting.Configuration;

// `rebuild-tables` writes the seed's tables again from grain state and exits (see CatalogRebuild).
if (RebuildTablesCommand.IsRequested(args, out var settings))
{
    return await RebuildTablesCommand.RunAsync(() =>
    {
        var rebuild = WebApplication.CreateBuilder(ConfigurationReload.Off(settings));
        rebuild.AddUploadsCluster();
        return Task.FromResult<IHost>(rebuild.Build());
    });
}

// A start-up failure (a setting, a busy port, the database) is one line naming the cause and exit code 1: see HostStartup.
return await HostStartup.RunAsync("Gateway", gate =>
{
    var builder = WebApplication.CreateBuilder(ConfigurationReload.Off(args));
    gate.Register(builder.Logging);
    builder.AddUploadsCluster();
    builder.AddUploadGateway();

    var app = builder.Build().ValidateOptions();
    app.MapUploadGateway();
    return Task.FromResult<IHost>(app);
});

/// <summary>Entry point, public so tests can host the gateway with WebApplicationFactory.</summary>
public partial class Program;
