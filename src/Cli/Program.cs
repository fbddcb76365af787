// The command-line uploader. `dotnet run --project src/Cli -- push <file> --server <url>`; see src/Cli/README.md for
// every command, the environment variables and the exit codes.

using System.CommandLine;
using Orleans.Uploads.Cli.Commands;

var root = new RootCommand("Orleans Uploads: push videos (chunked, parallel, resumable), watch, cancel, list and download them.")
{
    PushCommand.Create(),
    StatusCommand.Create(),
    CancelCommand.Create(),
    ListCommand.Create(),
    GetCommand.Create(),
};
foreach (var option in Orleans.Uploads.Cli.GlobalOptions.All)
{
    root.Options.Add(option);
}

return await root.Parse(args).InvokeAsync();
