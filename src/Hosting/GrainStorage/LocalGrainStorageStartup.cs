using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Uploads.Grains.Configuration;

namespace Orleans.Uploads.Hosting.GrainStorage;

/// <summary>
/// Opens the grain-state database at start. Orleans makes a grain storage when the first grain needs it, so without
/// this a state directory the database cannot live in would let the server start and then fail every activation;
/// with it, start-up stops with one line naming the file.
/// </summary>
internal sealed class LocalGrainStorageStartup(IServiceProvider services, string name) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            services.GetRequiredKeyedService<SqliteGrainStorage>(name);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var directory = Path.GetFullPath(services.GetRequiredService<IOptions<UploadOptions>>().Value.StateDirectory);
            throw new StartupFailureException(
                $"The grain state database {Path.Combine(directory, SqliteGrainStorage.FileName)} could not be opened (Uploads:StateDirectory): {ex.Message}", ex);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
