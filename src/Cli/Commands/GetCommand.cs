// Why this file exists: `get <videoId> -o <file>`: downloads a video; a partial file already at <file> is resumed with
// HTTP Range, and the result is checked against the video's sha256.

using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Uploads.Cli.Output;
using Orleans.Uploads.Client;
using Spectre.Console;

namespace Orleans.Uploads.Cli.Commands;

public static class GetCommand
{
    private static readonly Argument<Guid> VideoId = IdArguments.Create("videoId", "The video's id.");
    private static readonly Option<string> Output = new("--output", "-o") { Description = "Where to write the video (a shorter file there is resumed).", Required = true };

    public static Command Create()
    {
        var command = new Command("get", "Download a video (resuming a partial file).") { VideoId, Output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var mode = OutputModes.Choose(parse.GetValue(GlobalOptions.Json));
            var id = parse.GetValue(VideoId);
            var path = parse.GetValue(Output)!;
            await using var services = GlobalOptions.BuildClient(parse);
            var client = services.GetRequiredService<UploadClient>();
            try
            {
                DownloadResult result;
                if (mode == OutputMode.Interactive)
                {
                    result = await AnsiConsole.Progress()
                        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
                        .StartAsync(async context =>
                        {
                            var task = context.AddTask(Markup.Escape(Path.GetFileName(path)), autoStart: true, maxValue: 1);
                            return await client.DownloadAsync(id, path, new InlineProgress<DownloadProgress>(p =>
                            {
                                task.MaxValue = p.TotalBytes;
                                task.Value = p.Bytes;
                            }), cancellationToken);
                        });
                }
                else
                {
                    result = await client.DownloadAsync(id, path, null, cancellationToken);
                }

                if (mode == OutputMode.Json)
                {
                    JsonLines.Write(new { videoId = id, path, size = result.Video.Size, result.ResumedFrom, result.BytesReceived, result.Verified, fileHash = result.Video.FileHash });
                }
                else
                {
                    Console.Out.WriteLine($"{path}: {result.Video.Size} bytes{(result.ResumedFrom > 0 ? $" (resumed from {result.ResumedFrom})" : "")}{(result.Verified ? ", sha256 verified" : "")}");
                }

                return ExitCodes.Ok;
            }
            catch (Exception ex)
            {
                return Failures.Report(ex, id.ToString(), mode);
            }
        });
        return command;
    }
}
