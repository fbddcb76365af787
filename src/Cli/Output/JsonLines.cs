// Why this file exists: --json prints one compact JSON object per line on stdout, camelCase like the API.

using System.Text.Json;

namespace Orleans.Uploads.Cli.Output;

public static class JsonLines
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static void Write(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Options));
}
