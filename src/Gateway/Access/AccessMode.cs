using System.Net;

namespace Orleans.Uploads.Gateway.Access;

/// <summary>
/// Whether the gateway runs open, decided once at start-up. Open means no caller is configured: a request without any
/// credential acts as a local developer allowed every project. Unless <see cref="AuthOptions.AllowAnonymous"/> says
/// otherwise, that holds only for a request that is plainly the developer's own, a second guard behind the start-up check
/// that the gateway listens on loopback only: it comes from this machine, names this machine as its host (a page that
/// rebinds its own domain to 127.0.0.1 does not), was not forwarded by a proxy on this machine (which would make
/// everyone local; a trusted proxy's forwarding leaves <c>X-Original-For</c> behind, so it counts too), and, when sent by a browser page, comes from a page on this machine or an allowed origin (any
/// website can post a form to localhost).
/// </summary>
public sealed record AccessMode(bool Open, bool OpenToEveryAddress, bool JwtConfigured, IReadOnlyList<string>? AllowedOrigins = null)
{
    private static readonly string[] ForwardingHeaders = ["Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP", "Via", "X-Original-For"];

    /// <summary>Whether a request without credentials acts as the local developer.</summary>
    public bool ActsAsDeveloper(HttpContext http)
    {
        if (!Open)
        {
            return false;
        }

        if (OpenToEveryAddress)
        {
            return true;
        }

        var request = http.Request;

        // A null address is the in-process test server; a Unix socket never runs open (see ListeningAddresses).
        return (http.Connection.RemoteIpAddress is not { } remote || IPAddress.IsLoopback(remote))
            && IsLoopbackHost(request.Host.Host)
            && !ForwardingHeaders.Any(request.Headers.ContainsKey)
            && (request.Headers.Origin.ToString() is not { Length: > 0 } origin || IsOwnOrigin(origin));
    }

    private bool IsOwnOrigin(string origin) =>
        (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && IsLoopbackHost(uri.Host))
        || (AllowedOrigins ?? []).Any(allowed => string.Equals(allowed.TrimEnd('/'), origin.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));

    private static bool IsLoopbackHost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
