using System.Security.Cryptography;

namespace Orleans.Uploads.Harness;

/// <summary>Reads a download without holding it: what the API client and the tus checks use for large content.</summary>
public static class HttpDownload
{
    /// <summary>Streams a response body through sha256 (never holding it whole): its length and digest.</summary>
    public static async Task<(long Length, string Sha256)> HashAsync(HttpResponseMessage response)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[256 * 1024];
        long length = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            length += read;
        }

        return (length, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}
