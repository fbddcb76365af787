using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Orleans.Uploads.Grains.Catalog;

/// <summary>
/// Where a page of a project's videos ends: the last video's (created_at, id), the keyset the listing is ordered by.
/// Clients get it as an opaque base64url token and must not build one; a token that does not parse is refused, never
/// taken as "from the start".
/// </summary>
public sealed record VideoCursor(DateTimeOffset CreatedAt, Guid Id)
{
    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
        string.Create(CultureInfo.InvariantCulture, $"{CreatedAt.UtcTicks}:{Id:N}")));

    public static bool TryDecode(string token, out VideoCursor? cursor)
    {
        cursor = null;
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            var parts = text.Split(':');
            if (parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks <= DateTimeOffset.MaxValue.UtcTicks
                && Guid.TryParseExact(parts[1], "N", out var id))
            {
                cursor = new VideoCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
                return true;
            }
        }
        catch (FormatException)
        {
        }

        return false;
    }
}
