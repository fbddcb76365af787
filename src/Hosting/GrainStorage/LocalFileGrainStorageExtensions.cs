using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.Uploads.Grains;
using Orleans.Uploads.Grains.Configuration;

namespace Orleans.Uploads.Hosting.GrainStorage;

/// <summary>Registers <see cref="LocalFileGrainStorage"/> on a silo: the standalone server's and the grain tests' grain storage.</summary>
public static class LocalFileGrainStorageExtensions
{
    /// <summary>Grain state on local disk under <see cref="UploadOptions.StateDirectory"/>: the standalone server's storage.</summary>
    public static ISiloBuilder AddLocalFileGrainStorage(this ISiloBuilder silo, string name = GrainStorageNames.Uploads)
    {
        silo.Services.AddGrainStorage(name, static (services, _) => new LocalFileGrainStorage(
            Path.GetFullPath(services.GetRequiredService<IOptions<UploadOptions>>().Value.StateDirectory),
            services.GetRequiredService<IGrainStorageSerializer>()));
        return silo;
    }
}
