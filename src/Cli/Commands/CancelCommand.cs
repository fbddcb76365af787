// Why this file exists: `cancel <uploadId>`: the server drops the upload's temporary data (idempotent).

using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Uploads.Cli.Output;
using Orleans.Uploads.Client;

namespace Orleans.Uploads.Cli.Commands;

public static class CancelCommand
{
    private static readonly Argument<Guid> UploadId = IdArguments.Create("uploadId", "The upload's id.");

    public static Command Create()
    {
        var command = new Command("cancel", "Cancel an unfinished upload.") { UploadId };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var mode = OutputModes.Choose(parse.GetValue(GlobalOptions.Json));
            var id = parse.GetValue(UploadId);
            await using var services = GlobalOptions.BuildClient(parse);
            try
            {
                await services.GetRequiredService<UploadClient>().CancelAsync(id, cancellationToken);
                if (mode == OutputMode.Json)
                {
                    JsonLines.Write(new { uploadId = id, status = "cancelled" });
                }
                else
                {
                    Console.Out.WriteLine($"cancelled {id}");
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
