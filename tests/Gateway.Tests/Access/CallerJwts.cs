// Why this exists: JWT caller tests need tokens as an identity provider would sign them (and ones it must not be trusted
// for: expired, for another audience or issuer, signed with another key), made here with the same library the gateway uses.

using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Orleans.Uploads.Gateway.Tests.Access;

public static class CallerJwts
{
    /// <summary>
    /// A JWT for <paramref name="gateway"/>'s configured issuer and audience, unless told otherwise; <paramref name="projects"/>
    /// is the <c>projects</c> claim as given (a string array becomes a JSON array), left out when null.
    /// </summary>
    public static string Mint(
        AccessGatewayFixture gateway, object? projects, string? issuer = null, string? audience = null, string? signingKey = null, DateTimeOffset? expires = null,
        IReadOnlyDictionary<string, object>? extraClaims = null)
    {
        var expiry = (expires ?? DateTimeOffset.UtcNow.AddMinutes(10)).UtcDateTime;
        var claims = new Dictionary<string, object> { ["sub"] = "jwt-caller" };
        if (projects is not null)
        {
            claims["projects"] = projects;
        }

        foreach (var (type, value) in extraClaims ?? new Dictionary<string, object>())
        {
            claims[type] = value;
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? AccessGatewayFixture.JwtIssuer,
            Audience = audience ?? AccessGatewayFixture.JwtAudience,
            IssuedAt = expiry.AddHours(-1),
            NotBefore = expiry.AddHours(-1),
            Expires = expiry,
            Claims = claims,
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey ?? gateway.JwtSigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}
