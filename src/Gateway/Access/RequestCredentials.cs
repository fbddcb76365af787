using Microsoft.Net.Http.Headers;

namespace Orleans.Uploads.Gateway.Access;

/// <summary>Where a request carries its credentials: a bearer in Authorization, an upload token in a header or (some routes) the query.</summary>
public static class RequestCredentials
{
    private const string BearerPrefix = "Bearer ";

    /// <summary>Whether the request has an Authorization header at all (a malformed one is still a credential, and refused).</summary>
    public static bool HasAuthorization(HttpRequest request) => request.Headers.ContainsKey(HeaderNames.Authorization);

    /// <summary>The credential of <c>Authorization: Bearer &lt;credential&gt;</c>, or null when the header is absent or another shape.</summary>
    public static string? Bearer(HttpRequest request)
    {
        var header = request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var credential = value[BearerPrefix.Length..].Trim();
        return credential.Length > 0 ? credential : null;
    }

    /// <summary>A compact JWT has three dot-separated parts; an API key has no dot (the options validator sees to it).</summary>
    public static bool LooksLikeJwt(string credential) => credential.Count(c => c == '.') == 2;

    /// <summary>
    /// The upload token: <c>X-Upload-Token</c>, or <c>access_token</c> in the query on the routes a browser reaches without
    /// headers (a WebSocket, a download link). Null when the request carries none.
    /// </summary>
    public static string? UploadToken(HttpContext http)
    {
        if (http.Request.Headers[AccessSchemes.UploadTokenHeader].ToString() is { Length: > 0 } header)
        {
            return header;
        }

        return http.GetEndpoint()?.Metadata.GetMetadata<AccessTokenInQuery>() is not null
            && http.Request.Query[AccessSchemes.AccessTokenQuery].ToString() is { Length: > 0 } query
            ? query
            : null;
    }

    /// <summary>Lets the route take its upload token as <c>?access_token=</c> (a URL can end up in logs and history: only where a header is impossible).</summary>
    public static TBuilder AcceptAccessTokenInQuery<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new AccessTokenInQuery());
}

/// <summary>Endpoint metadata: this route accepts the upload token in the query string.</summary>
public sealed class AccessTokenInQuery;
