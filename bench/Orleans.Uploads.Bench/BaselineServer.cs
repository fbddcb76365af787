using System.Buffers;

namespace Orleans.Uploads.Bench;

/// <summary>
/// The ceiling to compare against: one HTTP/1.1 request body streamed by Kestrel straight into a file, 1 MiB at a
/// time, with one fsync at the end (the least a server can do for the same durability as the service's
/// per-chunk fsync; <c>?fsync=0</c> skips it). No framework beyond routing, no logging. It also serves the tus
/// stand-in of <see cref="TusBaselineEndpoints"/> (what the tus scenarios are compared with).
/// Runs in its own process (the bench executable's <c>baseline-server</c> mode) so its CPU and RSS are its own.
/// </summary>
public static class BaselineServer
{
    private const int CopyBufferSize = 1024 * 1024;

    public static async Task<int> RunAsync(string urls, string directory, CancellationToken cancellationToken)
    {
        if (!urls.StartsWith("http://127.0.0.1:", StringComparison.Ordinal))
        {
            Console.Error.WriteLine("baseline-server listens on 127.0.0.1 only");
            return 2;
        }

        var root = Path.GetFullPath(directory);
        Directory.CreateDirectory(root);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);
        var app = builder.Build();
        // The readiness probe the harness waits on, as on the gateway.
        app.MapGet("/health/ready", () => "ok");
        app.MapPut("/upload/{name}", async (string name, HttpRequest request) =>
        {
            if (name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
            {
                return Results.BadRequest();
            }

            var flush = request.Query["fsync"] != "0";
            var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
            long total = 0;
            try
            {
                using var handle = File.OpenHandle(Path.Combine(root, name), FileMode.CreateNew, FileAccess.Write, FileShare.Read, FileOptions.Asynchronous);
                int read;
                while ((read = await request.Body.ReadAsync(buffer.AsMemory(0, CopyBufferSize), request.HttpContext.RequestAborted)) > 0)
                {
                    await RandomAccess.WriteAsync(handle, buffer.AsMemory(0, read), total, request.HttpContext.RequestAborted);
                    total += read;
                }

                if (flush)
                {
                    RandomAccess.FlushToDisk(handle);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            return Results.Text(total.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
        app.MapTusBaseline(root);
        await app.RunAsync(cancellationToken);
        return 0;
    }
}
