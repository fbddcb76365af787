using System.Security.Cryptography;
using System.Text;

namespace Orleans.Uploads.Grains.Scanning.Webhook;

/// <summary>
/// The <c>X-Uploads-Signature</c> header of a webhook call: <c>sha256=</c> and the lower-case hex HMAC-SHA256 of the exact
/// body bytes under <c>Scanning:Webhook:Secret</c>, so the receiver can tell the call came from this service.
/// </summary>
public static class WebhookSignature
{
    public const string HeaderName = "X-Uploads-Signature";

    public static string Of(ReadOnlySpan<byte> body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
