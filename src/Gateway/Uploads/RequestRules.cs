using System.Text.Json;

namespace Orleans.Uploads.Gateway.Uploads;

/// <summary>Shape checks on what arrives over HTTP, before anything reaches a grain.</summary>
public static class RequestRules
{
    public const int MaxMetadataLength = 16 * 1024;
    public const int MaxProjectIdLength = 64;

    public static bool IsValidProjectId(string projectId) =>
        projectId.Length is > 0 and <= MaxProjectIdLength && projectId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>Metadata must be a JSON object of bounded size; returns its compact text, or an error.</summary>
    public static bool TryReadMetadata(JsonElement? metadata, out string? json, out string? error)
    {
        json = null;
        error = null;
        if (metadata is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            error = "metadata must be a JSON object";
            return false;
        }

        json = element.GetRawText();
        if (json.Length > MaxMetadataLength)
        {
            error = $"metadata must be at most {MaxMetadataLength} characters of JSON";
            return false;
        }

        return true;
    }

    public static JsonElement? ParseMetadata(string? json) =>
        json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
}
