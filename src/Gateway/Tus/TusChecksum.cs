using System.Security.Cryptography;
using Orleans.Uploads.Gateway.Bodies;

namespace Orleans.Uploads.Gateway.Tus;

/// <summary><c>Upload-Checksum: &lt;algorithm&gt; &lt;base64 digest&gt;</c> over one request's body.</summary>
public sealed class TusChecksum : IBodyDigest, IDisposable
{
    private readonly IncrementalHash _hash;
    private readonly byte[] _expected;

    private TusChecksum(HashAlgorithmName algorithm, byte[] expected)
    {
        _hash = IncrementalHash.CreateHash(algorithm);
        _expected = expected;
    }

    /// <summary>Parses the header; <paramref name="error"/> says whether the algorithm or the digest is wrong.</summary>
    public static bool TryParse(string header, out TusChecksum? checksum, out string? errorCode, out string? error)
    {
        checksum = null;
        errorCode = null;
        error = null;
        var parts = header.Trim().Split(' ');
        HashAlgorithmName? algorithm = parts[0].ToLowerInvariant() switch
        {
            "sha1" => HashAlgorithmName.SHA1,
            "sha256" => HashAlgorithmName.SHA256,
            "md5" => HashAlgorithmName.MD5,
            _ => null,
        };
        if (algorithm is null)
        {
            errorCode = "unsupported_checksum_algorithm";
            error = $"'{parts[0]}' is not one of {TusProtocol.ChecksumAlgorithms}";
            return false;
        }

        try
        {
            if (parts.Length == 2)
            {
                checksum = new TusChecksum(algorithm.Value, Convert.FromBase64String(parts[1]));
                return true;
            }
        }
        catch (FormatException)
        {
        }

        errorCode = "invalid_checksum";
        error = "Upload-Checksum must be '<algorithm> <base64 digest>'";
        return false;
    }

    public void Append(ReadOnlySpan<byte> data) => _hash.AppendData(data);

    public bool Matches() => CryptographicOperations.FixedTimeEquals(_hash.GetHashAndReset(), _expected);

    public void Dispose() => _hash.Dispose();
}
