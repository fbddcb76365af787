// Why this file exists: `status <uploadId>`: an upload's state and progress, as lines or JSON.

using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Uploads.Cli.Output;
using Orleans.Uploads.Client;

namespace Orleans.Uploads.Cli.Commands;

public static class StatusCommand
{
    private static readonly Argument<Guid> UploadId = IdArguments.Create("uploadId", "The upload's id.");

    public static Command Create()
    {
        var command = new Command("status", "Show an upload's state, progress and missing chunks.") { UploadId };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var mode = OutputModes.Choose(parse.GetValue(GlobalOptions.Json));
            var id = parse.GetValue(UploadId);
            await using var services = GlobalOptions.BuildClient(parse);
            try
            {
                var status = await services.GetRequiredService<UploadClient>().GetStatusAsync(id, cancellationToken);
                if (mode == OutputMode.Json)
                {
                    JsonLines.Write(status);
                }
                else
                {
                    Console.Out.WriteLine($"upload     {status.UploadId}");
                    Console.Out.WriteLine($"file       {status.Filename} ({status.TotalSize} bytes, project {status.ProjectId ?? "default"})");
                    Console.Out.WriteLine($"status     {status.Status}");
                    Console.Out.WriteLine($"progress   {status.ProgressPercentage:F1}% ({status.CompletedChunks}/{status.TotalChunks} chunks, {status.UploadedBytes} bytes)");
                    Console.Out.WriteLine($"missing    {status.MissingChunks.Length} chunks");
                    Console.Out.WriteLine($"expires    {status.ExpiresAt:u}");
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
