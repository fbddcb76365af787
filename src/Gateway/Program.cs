using Orleans.Uploads.Gateway.Hosting;
using Orleans.Uploads.Hosting;
using Orleans.Uploads.Hosting.Configuration;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddUploadsCluster();
    builder.AddUploadGateway();

    var app = builder.Build().ValidateOptions();
    app.MapUploadGateway();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (StartupFailure.TryDescribe(ex, out var reason))
{
    // A start-up precondition failed (a setting, the database): say which, without a stack trace.
    await Console.Error.WriteLineAsync($"Gateway not started: {reason}");
    return 1;
}

/// <summary>Entry point, public so tests can host the gateway with WebApplicationFactory.</summary>
public partial class Program;
