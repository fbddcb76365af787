using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Orleans.Uploads.Hosting;

/// <summary>
/// Where a process (a gateway, a silo's probes) will listen, read from the same settings Kestrel reads (<c>Urls</c> or <c>--urls</c>, <c>Kestrel:Endpoints</c>,
/// <c>HTTP_PORTS</c>), before it listens: a gateway's open mode, and a silo's /metrics without a scrape token, are allowed only when every one of them is on loopback.
/// </summary>
public static class ListeningAddresses
{
    /// <summary>Kestrel's own default when nothing is configured.</summary>
    private const string KestrelDefault = "http://localhost:5000";

    public static IReadOnlyList<string> Of(IConfiguration configuration)
    {
        var urls = new List<string>();
        if (configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured)
        {
            urls.AddRange(configured.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        urls.AddRange(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(endpoint => endpoint["Url"]).OfType<string>());
        // Ports alone bind every address; Kestrel reads them only when no URL is set (containers set them by default).
        foreach (var key in urls.Count > 0 ? [] : new[] { WebHostDefaults.HttpPortsKey, WebHostDefaults.HttpsPortsKey })
        {
            urls.AddRange((configuration[key] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(port => $"http://*:{port}"));
        }

        return urls.Count > 0 ? urls : [KestrelDefault];
    }

    /// <summary>
    /// Whether <paramref name="url"/> is reachable from this machine only: a loopback address or localhost. Not a Unix socket:
    /// one is almost always there for a reverse proxy, which would bring the whole internet in as local callers.
    /// </summary>
    public static bool IsLoopback(string url)
    {
        BindingAddress address;
        try
        {
            address = BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            return false;
        }

        return !address.IsUnixPipe && (string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)));
    }
}
