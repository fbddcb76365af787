using Orleans.Uploads.Gateway.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddUploadsCluster();
builder.AddUploadGateway();

var app = builder.Build();
app.MapUploadGateway();
try
{
    await app.RunAsync();
    return 0;
}
catch (InvalidOperationException ex) when (ex.InnerException is not null || ex.Message.Contains("PostgreSQL", StringComparison.Ordinal))
{
    // A start-up precondition failed (the database, a setting): say which, without a stack trace.
    await Console.Error.WriteLineAsync($"Gateway not started: {ex.Message}");
    return 1;
}

/// <summary>Entry point, public so tests can host the gateway with WebApplicationFactory.</summary>
public partial class Program;
