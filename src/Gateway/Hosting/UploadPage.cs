// Why this exists: the gateway serves the browser upload page (clients/js, built into the build output's wwwroot by
// UploadPage.targets) at "/". It holds no secret and must load before its user has typed a credential, so it is served
// ahead of authentication; every other path still goes through routing, access control and the problem+json 404.

using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Orleans.Uploads.Gateway.Hosting;

/// <summary>The upload page's files: index.html at "/", its assets by name. No SPA fallback: an unknown path stays a 404.</summary>
public static partial class UploadPage
{
    /// <summary>
    /// wwwroot next to the gateway's assembly, never under the content root: the harness starts the gateway in a data
    /// directory, and tests host it from their own bin (the page's files are copied there with the project reference).
    /// </summary>
    public static string WebRoot { get; } = Path.Combine(AppContext.BaseDirectory, "wwwroot");

    public static WebApplication UseUploadPage(this WebApplication app)
    {
        if (!File.Exists(Path.Combine(WebRoot, "index.html")))
        {
            // Only a build that skipped the page gets here (the project file fails a build without Node.js).
            LogNoPage(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(UploadPage).FullName!), WebRoot);
            return app;
        }

        var files = new PhysicalFileProvider(WebRoot);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, DefaultFileNames = ["index.html"] });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,

            // The assets have fixed names (app.js, not app.3f2a.js): a browser must revalidate them all (ETag) or it
            // could pair a new index.html with yesterday's app.js after an upgrade.
            OnPrepareResponse = context => context.Context.Response.Headers[HeaderNames.CacheControl] = "no-cache",
        });
        return app;
    }

    [LoggerMessage(LogLevel.Warning, "The upload page is not served: {WebRoot} has no index.html (build the gateway with Node.js and npm installed).")]
    private static partial void LogNoPage(ILogger logger, string webRoot);
}
