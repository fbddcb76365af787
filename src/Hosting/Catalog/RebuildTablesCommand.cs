using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Orleans.Uploads.Hosting.Catalog;

/// <summary>
/// The <c>rebuild-tables</c> command of the gateway and the silo: builds (never starts) the process's own host from the
/// same configuration, so it reads grain state with the very storage and serializer the service uses, runs
/// <see cref="CatalogRebuild"/>, and prints one line: the counts and exit code 0, or the cause and exit code 1.
/// </summary>
public static class RebuildTablesCommand
{
    public const string Name = "rebuild-tables";

    /// <summary>Whether <paramref name="args"/> ask for the command; the rest are the usual configuration arguments.</summary>
    public static bool IsRequested(string[] args, out string[] rest)
    {
        rest = args.Length > 0 && args[0] == Name ? args[1..] : args;
        return args.Length > 0 && args[0] == Name;
    }

    public static async Task<int> RunAsync(Func<Task<IHost>> build)
    {
        try
        {
            using var host = await build();
            var counts = await CatalogRebuild.RunAsync(host.Services, host.Services.GetRequiredService<IConfiguration>(), CancellationToken.None);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"rebuild-tables: wrote {counts.Sessions} upload session(s), {counts.Chunks} chunk(s), {counts.Videos} video(s)"));
            return 0;
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync($"rebuild-tables failed: {StartupFailure.Describe(ex)}");
            return 1;
        }
    }
}
