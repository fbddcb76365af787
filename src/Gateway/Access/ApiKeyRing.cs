using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;

namespace Orleans.Uploads.Gateway.Access;

/// <summary>
/// The configured API keys, kept only as sha256 digests. A presented key is compared with every one in constant time
/// (digests of equal length, <see cref="CryptographicOperations.FixedTimeEquals"/>, no early exit), so neither a key's
/// bytes nor which key matched leak through timing.
/// </summary>
public sealed class ApiKeyRing
{
    private readonly (byte[] Digest, ClaimsIdentity Identity)[] _keys;

    public ApiKeyRing(IEnumerable<ApiKeyOptions> keys) => _keys = [.. keys.Select(key => (Digest(key.Key), IdentityOf(key)))];

    public int Count => _keys.Length;

    /// <summary>The identity of the key <paramref name="presented"/> is, or null.</summary>
    public ClaimsIdentity? Find(string presented)
    {
        var digest = Digest(presented);
        ClaimsIdentity? found = null;
        foreach (var (known, identity) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, known))
            {
                found = identity;
            }
        }

        return found?.Clone();
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static ClaimsIdentity IdentityOf(ApiKeyOptions key) => new(
        [new Claim(ClaimTypes.Name, key.Name), new Claim(Caller.CallerClaim, key.Name), .. key.Projects.Select(p => new Claim(Caller.ProjectClaim, p))],
        AccessSchemes.ApiKey);
}
