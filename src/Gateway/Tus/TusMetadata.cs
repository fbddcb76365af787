using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orleans.Uploads.Gateway.Tus;

/// <summary>
/// <c>Upload-Metadata</c>: comma-separated <c>key base64(value)</c> pairs. Parsed strictly, values made safe
/// (valid UTF-8, no control characters, bounded), kept as a JSON object so HEAD can echo them.
/// </summary>
public static class TusMetadata
{
    private const int MaxPairs = 64;
    private const int MaxValueLength = 4096;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool TryParse(string? header, out JsonObject metadata, out string? error)
    {
        metadata = [];
        error = null;
        if (string.IsNullOrWhiteSpace(header))
        {
            return true;
        }

        var pairs = header.Split(',');
        if (pairs.Length > MaxPairs)
        {
            error = $"at most {MaxPairs} metadata pairs";
            return false;
        }

        foreach (var pair in pairs)
        {
            var parts = pair.Trim().Split(' ');
            var key = parts[0];
            if (parts.Length > 2 || key.Length == 0 || !key.All(c => char.IsAscii(c) && !char.IsControl(c)) || metadata.ContainsKey(key))
            {
                error = $"'{pair.Trim()}' is not a 'key base64value' pair with a unique key";
                return false;
            }

            if (parts.Length == 1)
            {
                metadata[key] = null;
                continue;
            }

            try
            {
                var value = StrictUtf8.GetString(Convert.FromBase64String(parts[1]));
                metadata[key] = new string(value.Where(c => !char.IsControl(c)).Take(MaxValueLength).ToArray());
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                error = $"the value of '{key}' is not base64-encoded UTF-8";
                return false;
            }
        }

        return true;
    }

    public static string? Encode(string? metadataJson)
    {
        if (metadataJson is null || JsonNode.Parse(metadataJson) is not JsonObject metadata || metadata.Count == 0)
        {
            return null;
        }

        return string.Join(",", metadata.Select(pair => pair.Value is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? $"{pair.Key} {Convert.ToBase64String(Encoding.UTF8.GetBytes(value.GetValue<string>()))}"
            : pair.Key));
    }

    public static string? Value(JsonObject metadata, params string[] keys) =>
        keys.Select(key => metadata[key]?.GetValue<string>()).FirstOrDefault(value => !string.IsNullOrWhiteSpace(value));
}
