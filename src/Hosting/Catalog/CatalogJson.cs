using System.Text.Json;

namespace Orleans.Uploads.Hosting.Catalog;

/// <summary>
/// Metadata for a JSON column. Hazard: one value PostgreSQL's jsonb refuses would fail its whole batch on every retry and
/// hold back every row behind it, so text that is not JSON is stored as null (the grain state keeps the original).
/// </summary>
internal static class CatalogJson
{
    public static string? OrNull(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return json;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
