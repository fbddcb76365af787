// Why this exists: every access test needs a gateway with access control on and credentials it knows; the secrets are
// random per fixture, so nothing secret is committed and no two gateways of one run accept each other's credentials.

using System.Net.Http.Headers;
using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Access;

/// <summary>
/// A gateway with callers configured: API keys for <see cref="OwnerProject"/> (two of them), for <see cref="OtherProject"/>
/// and for every project, a JWT issuer, and two upload-token signing keys (the first signs, both verify).
/// </summary>
public class AccessGatewayFixture : GatewayFixture
{
    public const string OwnerProject = "p-owner";
    public const string OtherProject = "p-other";
    public const string JwtIssuer = "https://issuer.access-tests.example";
    public const string JwtAudience = "orleans-uploads-access-tests";

    /// <summary>Allowed <see cref="OwnerProject"/>: the owner of the uploads the tests protect.</summary>
    public string OwnerKey { get; } = AccessKeys.NewSecret();

    /// <summary>A second key of the same project, held by someone else.</summary>
    public string SecondOwnerKey { get; } = AccessKeys.NewSecret();

    /// <summary>Allowed <see cref="OtherProject"/> only.</summary>
    public string OtherKey { get; } = AccessKeys.NewSecret();

    /// <summary>Allowed every project (<c>*</c>).</summary>
    public string AdminKey { get; } = AccessKeys.NewSecret();

    /// <summary>Signs new upload tokens.</summary>
    public string SigningKey { get; } = AccessKeys.NewSecret();

    /// <summary>Still verifies tokens (it signed them before a rotation), signs none.</summary>
    public string OlderSigningKey { get; } = AccessKeys.NewSecret();

    public string JwtSigningKey { get; } = AccessKeys.NewSecret();

    /// <summary>A client with no credential at all.</summary>
    public HttpClient Anonymous => Client;

    /// <summary>A new client that sends <c>Authorization: Bearer <paramref name="bearer"/></c> on every request.</summary>
    public HttpClient ClientWithBearer(string bearer)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    /// <summary>A new client that sends <paramref name="token"/> as <c>X-Upload-Token</c> on every request.</summary>
    public HttpClient ClientWithUploadToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(AccessSchemes.UploadTokenHeader, token);
        return client;
    }

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings() =>
    [
        .. ApiKey(0, "owner", OwnerKey, OwnerProject),
        .. ApiKey(1, "owner-second", SecondOwnerKey, OwnerProject),
        .. ApiKey(2, "other", OtherKey, OtherProject),
        .. ApiKey(3, "admin", AdminKey, Caller.AllProjects),
        new("Auth:Jwt:Issuer", JwtIssuer),
        new("Auth:Jwt:Audience", JwtAudience),
        new("Auth:Jwt:SigningKey", JwtSigningKey),
        new("Auth:UploadTokens:SigningKeys:0", SigningKey),
        new("Auth:UploadTokens:SigningKeys:1", OlderSigningKey),
    ];

    private static IEnumerable<KeyValuePair<string, string>> ApiKey(int index, string name, string key, string project) =>
    [
        new($"Auth:ApiKeys:{index}:Name", name),
        new($"Auth:ApiKeys:{index}:Key", key),
        new($"Auth:ApiKeys:{index}:Projects:0", project),
    ];
}

/// <summary>The access gateway that also allows one browser origin (CORS, and the WebSocket's Origin check).</summary>
public sealed class AccessOriginGatewayFixture : AccessGatewayFixture
{
    public const string AllowedOrigin = "https://app.access-tests.example";

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings() =>
        [.. base.ExtraSettings(), new("Gateway:AllowedOrigins:0", AllowedOrigin)];
}
