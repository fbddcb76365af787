using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Orleans.Uploads.Harness;

/// <summary>
/// Fresh credentials for a gateway the harness starts with access control on (every cluster gateway must have them): one
/// API key allowed every project, and the upload-token signing key all gateways of one cluster share. Random per run,
/// so nothing secret is committed.
/// </summary>
public sealed record AccessKeys(string ApiKey, string TokenSigningKey)
{
    public static AccessKeys Generate() => new(NewSecret(), NewSecret());

    /// <summary>A secret as the gateway accepts it: 32 random bytes in base64 (no dots, no spaces).</summary>
    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The gateway settings, as environment variables, for a key named <c>harness</c> allowed every project.</summary>
    public IReadOnlyDictionary<string, string> GatewayEnvironment => new Dictionary<string, string>
    {
        ["Auth__ApiKeys__0__Name"] = "harness",
        ["Auth__ApiKeys__0__Key"] = ApiKey,
        ["Auth__ApiKeys__0__Projects__0"] = "*",
        ["Auth__UploadTokens__SigningKeys__0"] = TokenSigningKey,
    };

    public AuthenticationHeaderValue Authorization => new("Bearer", ApiKey);
}
