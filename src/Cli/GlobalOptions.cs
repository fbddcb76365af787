// Why this file exists: the options every command takes (server, credentials, --json, the resume store), declared
// once as recursive options of the root command, and the UploadClient built from them through AddUploadClient.

using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Uploads.Client;

namespace Orleans.Uploads.Cli;

public static class GlobalOptions
{
    public static readonly Option<Uri> Server = new("--server", "-s")
    {
        Description = $"The gateway's URL (or ${EnvironmentVariables.Server}).",
        Recursive = true,
        DefaultValueFactory = _ => new Uri(Environment.GetEnvironmentVariable(EnvironmentVariables.Server) is { Length: > 0 } url ? url : "http://localhost:5000"),
    };

    public static readonly Option<string?> ApiKey = new("--api-key")
    {
        Description = $"API key (prefer ${EnvironmentVariables.ApiKey}: arguments are visible in ps).",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(EnvironmentVariables.ApiKey) is { Length: > 0 } key ? key : null,
    };

    public static readonly Option<string?> UploadToken = new("--upload-token")
    {
        Description = "An upload token a backend handed over (opens one upload and its video), used when there is no API key.",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Machine-readable output: one JSON object per line on stdout.",
        Recursive = true,
    };

    public static readonly Option<string?> ResumeStore = new("--resume-store")
    {
        Description = $"The resume store's JSON file (or ${EnvironmentVariables.ResumeStore}; default under the user's local application data).",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(EnvironmentVariables.ResumeStore) is { Length: > 0 } path ? path : null,
    };

    public static readonly Option<int> Retries = new("--retries")
    {
        Description = "Retries of a request that failed transiently (network, 429, 5xx), with backoff and Retry-After.",
        Recursive = true,
        DefaultValueFactory = _ => 5,
    };

    public static IEnumerable<Option> All => [Server, ApiKey, UploadToken, Json, ResumeStore, Retries];

    /// <summary>An UploadClient for this command line, registered the way an application would (AddUploadClient).</summary>
    public static ServiceProvider BuildClient(ParseResult parse, int? parallelism = null)
    {
        var services = new ServiceCollection();
        services.AddUploadClient(options =>
        {
            options.ServerUrl = parse.GetValue(Server);
            options.ApiKey = parse.GetValue(ApiKey);
            options.UploadToken = parse.GetValue(UploadToken);
            options.ResumeStorePath = parse.GetValue(ResumeStore) ?? UploadClientOptions.DefaultResumeStorePath();
            options.MaxRetryAttempts = parse.GetValue(Retries);
            if (parallelism is { } p)
            {
                options.Parallelism = p;
            }
        });
        return services.BuildServiceProvider();
    }
}
