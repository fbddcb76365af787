using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace Orleans.Uploads.Silo.Telemetry;

/// <summary>
/// Who may read a silo's <c>/metrics</c> and dashboard, which have no API keys to check: with <c>Telemetry:ScrapeToken</c>,
/// a request sending <c>Authorization: Bearer &lt;token&gt;</c> (compared in constant time, never logged); without one,
/// anyone while the silo listens on loopback only, nobody once its <c>Urls</c> reach beyond loopback (secure by default:
/// a silo exposed for its probes does not expose its grains' numbers too). Refusals are 401 problem+json.
/// </summary>
public sealed class ScrapeTokenGate
{
    private readonly byte[]? _tokenHash;
    private readonly bool _openWithoutToken;

    public ScrapeTokenGate(string? token, bool listensOnLoopbackOnly)
    {
        _tokenHash = token is { Length: > 0 } ? Hash(token) : null;
        _openWithoutToken = _tokenHash is null && listensOnLoopbackOnly;
    }

    /// <summary>Whether the gate refuses every request: no token configured and the silo is reachable beyond loopback.</summary>
    public bool ClosedToEveryone => _tokenHash is null && !_openWithoutToken;

    public bool Admits(HttpRequest request)
    {
        if (_tokenHash is null)
        {
            return _openWithoutToken;
        }

        var header = request.Headers[HeaderNames.Authorization].ToString();
        const string Bearer = "Bearer ";
        return header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Hash(header[Bearer.Length..].Trim()), _tokenHash);
    }

    /// <summary>Marks the routes of <paramref name="route"/> (the metrics endpoint, the dashboard's group) as guarded.</summary>
    public static TBuilder Guard<TBuilder>(TBuilder route)
        where TBuilder : IEndpointConventionBuilder => route.WithMetadata(Guarded.Instance);

    /// <summary>The middleware (after routing) that refuses guarded routes to requests the gate does not admit.</summary>
    public Task InvokeAsync(HttpContext http, RequestDelegate next) =>
        http.GetEndpoint()?.Metadata.GetMetadata<Guarded>() is null || Admits(http.Request) ? next(http) : RefuseAsync(http);

    private Task RefuseAsync(HttpContext http)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer realm=\"orleans-uploads-silo\"";
        return Results.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            detail: ClosedToEveryone
                ? "this silo listens beyond loopback and has no Telemetry:ScrapeToken: /metrics and the dashboard are closed"
                : "send 'Authorization: Bearer <Telemetry:ScrapeToken>'",
            extensions: new Dictionary<string, object?> { ["code"] = "scrape_token_required" }).ExecuteAsync(http);
    }

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));

    private sealed class Guarded
    {
        public static readonly Guarded Instance = new();
    }
}
