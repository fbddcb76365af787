// Why this file exists: `list --project <id>`: a project's finished videos, one per line (or one JSON line each).

using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Uploads.Cli.Output;
using Orleans.Uploads.Client;

namespace Orleans.Uploads.Cli.Commands;

public static class ListCommand
{
    private static readonly Option<string> Project = new("--project", "-p") { Description = "The project whose videos to list.", Required = true };

    public static Command Create()
    {
        var command = new Command("list", "List a project's videos.") { Project };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var mode = OutputModes.Choose(parse.GetValue(GlobalOptions.Json));
            var project = parse.GetValue(Project)!;
            await using var services = GlobalOptions.BuildClient(parse);
            try
            {
                foreach (var video in await services.GetRequiredService<UploadClient>().ListVideosAsync(project, cancellationToken))
                {
                    if (mode == OutputMode.Json)
                    {
                        JsonLines.Write(video);
                    }
                    else
                    {
                        Console.Out.WriteLine($"{video.Id}  {video.Size,14}  {video.CreatedAt:u}  {video.ScanStatus ?? "-",-10}  {video.OriginalName}");
                    }
                }

                return ExitCodes.Ok;
            }
            catch (Exception ex)
            {
                return Failures.Report(ex, project, mode);
            }
        });
        return command;
    }
}
