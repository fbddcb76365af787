// Why this file exists: one decision about how the uploader talks. A progress bar only on an interactive terminal;
// plain lines (no ANSI, no bar) when stdout is a pipe or file; JSON lines with --json.

using Spectre.Console;

namespace Orleans.Uploads.Cli.Output;

public enum OutputMode
{
    Interactive,
    Plain,
    Json,
}

public static class OutputModes
{
    public static OutputMode Choose(bool json) =>
        json ? OutputMode.Json
        : !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive ? OutputMode.Interactive
        : OutputMode.Plain;
}
