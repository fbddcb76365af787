// Why this file exists: the JWT tests play the identity provider. They mint tokens with the same handler the gateway
// validates with (Microsoft.IdentityModel.JsonWebTokens), both good ones and each kind of bad one, from a test key that
// lives only as long as the test run.

using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.EndToEnd.Tests.Access;

/// <summary>An identity provider for tests: HS256 JWTs for one issuer and audience, signed with a random key.</summary>
public sealed class Jwts
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public string Issuer { get; } = "https://issuer.e2e.example";

    public string Audience { get; } = "orleans-uploads-e2e";

    public string SigningKey { get; } = AccessKeys.NewSecret();

    /// <summary>The gateway settings that make it accept these tokens.</summary>
    public IReadOnlyDictionary<string, string> GatewayEnvironment => new Dictionary<string, string>
    {
        ["Auth__Jwt__Issuer"] = Issuer,
        ["Auth__Jwt__Audience"] = Audience,
        ["Auth__Jwt__SigningKey"] = SigningKey,
    };

    /// <summary>
    /// A token whose <c>projects</c> claim is <paramref name="projects"/> (a string array becomes a JSON array, a string
    /// stays one string), valid for ten minutes unless <paramref name="lifetime"/> says otherwise (negative: already expired).
    /// Every other part can be made wrong: <paramref name="signingKey"/> (or <paramref name="withoutSignature"/>: an unsigned, alg "none", token), the issuer, the audience.
    /// </summary>
    public string Mint(object projects, TimeSpan? lifetime = null, string? issuer = null, string? audience = null, bool withoutSignature = false, string? signingKey = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(10));
        var issued = expires < now ? expires - TimeSpan.FromHours(1) : now;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience ?? Audience,
            IssuedAt = issued,
            NotBefore = issued,
            Expires = expires,
            Claims = new Dictionary<string, object> { ["sub"] = "e2e-user", ["projects"] = projects },
            SigningCredentials = withoutSignature
                ? null
                : new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey ?? SigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}
