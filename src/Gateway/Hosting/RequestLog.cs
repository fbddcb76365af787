using System.Diagnostics;

namespace Orleans.Uploads.Gateway.Hosting;

/// <summary>
/// One line per request: method, path, status, time taken and the client's address, which behind a trusted load
/// balancer is the real client's (see <c>Proxies/TrustedProxies</c>). The path only, never the query string: upload
/// tokens may travel as <c>?access_token=</c>. Category <c>Orleans.Uploads.Gateway.Requests</c>, at Information;
/// <c>Logging__LogLevel__Orleans.Uploads.Gateway.Requests=Warning</c> turns it off, and <c>=Debug</c> adds a line when
/// each request starts, which shows which gateway holds a long upload that has not ended yet.
/// </summary>
public static partial class RequestLog
{
    public const string Category = "Orleans.Uploads.Gateway.Requests";

    public static WebApplication UseRequestLog(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        app.Use(async (http, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            if (logger.IsEnabled(LogLevel.Debug))
            {
                LogStarted(logger, http.Request.Method, http.Request.Path.Value ?? "/", http.Connection.RemoteIpAddress?.ToString() ?? "-");
            }

            try
            {
                await next(http);
            }
            finally
            {
                if (logger.IsEnabled(LogLevel.Information))
                {
                    LogRequest(
                        logger,
                        http.Request.Method,
                        http.Request.Path.Value ?? "/",
                        http.Response.StatusCode,
                        (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                        http.Connection.RemoteIpAddress?.ToString() ?? "-");
                }
            }
        });
        return app;
    }

    [LoggerMessage(LogLevel.Debug, "{Method} {Path} started from {Client}")]
    private static partial void LogStarted(ILogger logger, string method, string path, string client);

    [LoggerMessage(LogLevel.Information, "{Method} {Path} {Status} {ElapsedMilliseconds} ms from {Client}")]
    private static partial void LogRequest(ILogger logger, string method, string path, int status, long elapsedMilliseconds, string client);
}
