using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.Uploads.Grains;
using Orleans.Uploads.Grains.Configuration;

namespace Orleans.Uploads.Hosting.GrainStorage;

/// <summary>Registers <see cref="SqliteGrainStorage"/> on a silo: the standalone server's and the grain tests' grain storage.</summary>
public static class LocalGrainStorageExtensions
{
    /// <summary>
    /// Grain state in SQLite under <see cref="UploadOptions.StateDirectory"/>: the standalone server's storage. It is also
    /// a keyed <see cref="SqliteGrainStorage"/> under <paramref name="name"/>, for the catalog rebuild that lists it.
    /// </summary>
    public static ISiloBuilder AddLocalGrainStorage(this ISiloBuilder silo, string name = GrainStorageNames.Uploads)
    {
        silo.Services.AddKeyedSingleton(name, static (services, _) => new SqliteGrainStorage(
            Path.GetFullPath(services.GetRequiredService<IOptions<UploadOptions>>().Value.StateDirectory),
            services.GetRequiredService<IGrainStorageSerializer>()));
        silo.Services.AddGrainStorage(name, static (services, name) => services.GetRequiredKeyedService<SqliteGrainStorage>(name));
        silo.Services.AddSingleton<IHostedService>(services => new LocalGrainStorageStartup(services, name));
        return silo;
    }
}
