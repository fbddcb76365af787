// Why this file exists: the CLI tests read its --json lines; one place parses them.

using System.Text.Json;

namespace Orleans.Uploads.Client.Tests.Cli;

public static class CliJson
{
    /// <summary>The last JSON line the run printed on stdout.</summary>
    public static JsonElement Last(Support.CliRun run)
    {
        var line = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'))
            ?? throw new InvalidOperationException("no JSON line in the output\n" + run.Describe());
        return JsonDocument.Parse(line).RootElement.Clone();
    }
}
