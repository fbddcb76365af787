// Why this file exists: some client behaviour needs a server that answers exactly one way (a 429 with Retry-After, a
// sink that discards 10 GiB): a minimal Kestrel app on a free loopback port, started and stopped by the test.

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Client.Tests.Support;

public sealed class LocalEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalEndpoint(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<LocalEndpoint> StartAsync(Action<IEndpointRouteBuilder> routes)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);
        var app = builder.Build();
        routes(app);
        await app.StartAsync();
        return new LocalEndpoint(app, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>An UploadClient registered as applications do (AddUploadClient), pointed at this endpoint.</summary>
    public ServiceProvider Client(Action<Orleans.Uploads.Client.UploadClientOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddUploadClient(options =>
        {
            options.ServerUrl = BaseAddress;
            options.ResumeStorePath = null;
            configure?.Invoke(options);
        });
        return services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
