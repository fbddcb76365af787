using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Orleans.Uploads.Gateway.Access;

/// <summary>
/// Upload tokens: one upload delegated to a browser or device that never sees an API key. A token is a JWT signed with
/// HS256 by this service's own keys (never a caller's), bound to one upload id and its project, and it expires. Its own
/// issuer and audience keep it from ever passing as a caller's JWT, and a caller's JWT from passing as an upload token.
/// </summary>
public sealed class UploadTokens
{
    public const string Issuer = "orleans-uploads";
    public const string Audience = "orleans-uploads/upload";
    private const string UploadClaim = "upload";
    private const string ProjectClaim = "project";

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SigningCredentials _signing;
    private readonly TokenValidationParameters _validation;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _time;

    /// <param name="signingKeys">Newest first: the first signs, all verify.</param>
    public UploadTokens(IReadOnlyList<string> signingKeys, TimeSpan lifetime, TimeProvider time)
    {
        if (signingKeys.Count == 0)
        {
            throw new ArgumentException("at least one signing key is needed", nameof(signingKeys));
        }

        var keys = signingKeys.Select(ToSecurityKey).ToArray();
        _signing = new SigningCredentials(keys[0], SecurityAlgorithms.HmacSha256);
        _lifetime = lifetime;
        _time = time;
        _validation = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKeys = keys,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireExpirationTime = true,
            RequireSignedTokens = true,

            // Gateways of a cluster may disagree on the time by a little, never by the default five minutes.
            ClockSkew = TimeSpan.FromSeconds(30),

            // Expiry is judged by the clock tokens are issued by (the default validator reads the wall clock instead).
            LifetimeValidator = (notBefore, expires, _, parameters) => IsCurrent(notBefore, expires, time.GetUtcNow().UtcDateTime, parameters.ClockSkew),
        };
    }

    /// <summary>A token for <paramref name="uploadId"/> in <paramref name="projectId"/>, valid for the configured lifetime from now.</summary>
    public string Issue(Guid uploadId, string projectId)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + _lifetime,
            Claims = new Dictionary<string, object> { [UploadClaim] = uploadId.ToString("N"), [ProjectClaim] = projectId },
            SigningCredentials = _signing,
        });
    }

    /// <summary>The identity a valid token stands for (the upload it opens), or null for a forged, altered or expired one.</summary>
    public async Task<ClaimsIdentity?> ValidateAsync(string token)
    {
        var result = await _handler.ValidateTokenAsync(token, _validation);
        if (!result.IsValid
            || !result.Claims.TryGetValue(UploadClaim, out var upload) || !Guid.TryParseExact(upload as string, "N", out var uploadId)
            || !result.Claims.TryGetValue(ProjectClaim, out var project) || project is not string)
        {
            return null;
        }

        return new ClaimsIdentity(
            [new Claim(Caller.UploadClaim, uploadId.ToString("N")), new Claim(ClaimTypes.Name, "upload-token:" + uploadId.ToString("N"))],
            AccessSchemes.UploadToken);
    }

    /// <summary>Whether a token's lifetime includes <paramref name="now"/>, give or take <paramref name="skew"/>; a token without an expiry never is.</summary>
    private static bool IsCurrent(DateTime? notBefore, DateTime? expires, DateTime now, TimeSpan skew) =>
        expires is { } end && now - skew < end.ToUniversalTime() && (notBefore is not { } start || start.ToUniversalTime() <= now + skew);

    /// <summary>A key named by a digest of itself, so a token says which key signed it and rotation needs no bookkeeping.</summary>
    private static SymmetricSecurityKey ToSecurityKey(string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        return new SymmetricSecurityKey(bytes) { KeyId = Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8)) };
    }
}
