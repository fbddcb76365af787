// Why this file exists: `push <file|folder>...`, the uploader's main command: each file uploaded (or resumed) with a
// live bar on a terminal, plain lines on a pipe, a JSON line per file with --json.
// Hazard: Ctrl-C cancels the token System.CommandLine hands the action; the upload stops between requests, the resume
// store keeps the upload, and the exit code is 130. A second push of the same file sends only missing chunks.

using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Uploads.Cli.Output;
using Orleans.Uploads.Client;
using Spectre.Console;

namespace Orleans.Uploads.Cli.Commands;

public static class PushCommand
{
    private static readonly Argument<string[]> Paths = new("paths") { Description = "Files or folders (every file below a folder).", Arity = ArgumentArity.OneOrMore };
    private static readonly Option<string?> Project = new("--project", "-p") { Description = "The project the uploads belong to (default: the server's `default`)." };
    private static readonly Option<int?> ChunkSize = new("--chunk-size") { Description = "Bytes per chunk (default: the server's)." };
    private static readonly Option<int> Parallel = new("--parallel") { Description = "Chunks in flight at once.", DefaultValueFactory = _ => 3 };
    private static readonly Option<Guid?> UploadId = new("--upload-id") { Description = "Send one file into this upload, which a backend started (with --upload-token)." };

    public static Command Create()
    {
        var command = new Command("push", "Upload files (resuming an interrupted upload of the same file).") { Paths, Project, ChunkSize, Parallel, UploadId };
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var mode = OutputModes.Choose(parse.GetValue(GlobalOptions.Json));
        List<string> files;
        try
        {
            files = Expand(parse.GetValue(Paths)!);
            if (parse.GetValue(UploadId) is not null && files.Count != 1)
            {
                throw new ArgumentException("--upload-id takes exactly one file");
            }
        }
        catch (Exception ex)
        {
            return Failures.Report(ex, "push", mode);
        }

        await using var services = GlobalOptions.BuildClient(parse, parse.GetValue(Parallel));
        var client = services.GetRequiredService<UploadClient>();
        var options = new UploadOptions { ProjectId = parse.GetValue(Project), ChunkSize = parse.GetValue(ChunkSize), UploadId = parse.GetValue(UploadId) };
        var exitCode = ExitCodes.Ok;
        if (mode == OutputMode.Interactive)
        {
            // Lines printed while the bar is live would tear it: they wait until it is done.
            var afterwards = new List<Action>();
            await AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(
                    new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                    new TransferState.ChunksColumn(), new TransferState.SpeedColumn(), new TransferState.EtaColumn())
                .StartAsync(async context =>
                {
                    foreach (var file in files)
                    {
                        var task = context.AddTask(Markup.Escape(Path.GetFileName(file)), maxValue: 100);
                        var progress = new InlineProgress<UploadProgress>(p => TransferState.Update(task, p));
                        var code = await PushOneAsync(client, file, options, progress, mode, afterwards, cancellationToken);
                        exitCode = Worst(exitCode, code);
                        if (code is ExitCodes.Credentials or ExitCodes.Unavailable or ExitCodes.Cancelled)
                        {
                            break;
                        }
                    }
                });
            afterwards.ForEach(print => print());
            return exitCode;
        }

        foreach (var file in files)
        {
            var code = await PushOneAsync(client, file, options, mode == OutputMode.Plain ? PlainLines(file) : null, mode, null, cancellationToken);
            exitCode = Worst(exitCode, code);
            if (code is ExitCodes.Credentials or ExitCodes.Unavailable or ExitCodes.Cancelled)
            {
                break;
            }
        }

        return exitCode;
    }

    /// <summary>Pushes one file; what it prints runs at once, or is added to <paramref name="afterwards"/> when given.</summary>
    private static async Task<int> PushOneAsync(
        UploadClient client, string file, UploadOptions options, IProgress<UploadProgress>? progress, OutputMode mode, List<Action>? afterwards, CancellationToken cancellationToken)
    {
        UploadResult result;
        try
        {
            result = await client.UploadFileAsync(file, options, progress, cancellationToken);
        }
        catch (Exception ex)
        {
            if (afterwards is null)
            {
                return Failures.Report(ex, file, mode);
            }

            afterwards.Add(() => Failures.Report(ex, file, mode));
            return Failures.ExitCodeOf(ex);
        }

        void Print()
        {
            switch (mode)
            {
                case OutputMode.Json:
                    JsonLines.Write(new
                    {
                        file,
                        result.UploadId,
                        videoId = result.Video.Id,
                        size = result.Video.Size,
                        result.FileHash,
                        result.Resumed,
                        result.TotalChunks,
                        result.ChunksSent,
                        result.ChunksSkipped,
                        result.ChunksAlreadyStored,
                    });
                    break;
                default:
                    Console.Out.WriteLine(
                        $"{file}: done, video {result.Video.Id}, {result.Video.Size} bytes, sha256 {result.FileHash}, sent {result.ChunksSent} of {result.TotalChunks} chunks{(result.Resumed ? " (resumed)" : "")}");
                    break;
            }
        }

        if (afterwards is null)
        {
            Print();
        }
        else
        {
            afterwards.Add(Print);
        }

        return ExitCodes.Ok;
    }

    /// <summary>Progress as plain lines: the upload id once, then every 10 %.</summary>
    private static InlineProgress<UploadProgress> PlainLines(string file)
    {
        var lastTenth = -1;
        var announced = false;
        return new InlineProgress<UploadProgress>(p =>
        {
            if (p.Phase != UploadPhase.Uploading)
            {
                return;
            }

            if (!announced && p.UploadId is { } id)
            {
                announced = true;
                Console.Out.WriteLine($"{file}: upload {id}, {p.CompletedChunks} of {p.TotalChunks} chunks already stored");
            }

            var tenth = (int)(p.Percentage / 10);
            if (tenth > lastTenth)
            {
                lastTenth = tenth;
                Console.Out.WriteLine($"{file}: {Describe(p)}");
            }
        });
    }

    private static string Describe(UploadProgress p) => p.Phase switch
    {
        UploadPhase.Hashing => $"{p.Filename} hashing {p.Percentage:F0}%",
        UploadPhase.Uploading => $"{p.Filename} {p.Percentage:F1}% {p.CompletedChunks}/{p.TotalChunks} chunks {p.BytesPerSecond / 1_000_000:F1} MB/s ETA {TransferState.FormatEta(p.EstimatedTimeRemaining)}",
        UploadPhase.Completing => $"{p.Filename} completing",
        _ => $"{p.Filename} done",
    };

    /// <summary>Files named, and every file below folders named, in a stable order.</summary>
    private static List<string> Expand(string[] paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new FileNotFoundException($"no such file or folder: {path}", path);
            }
        }

        return files;
    }

    /// <summary>Several files: the first failure's code wins, so a script sees that something failed.</summary>
    private static int Worst(int sofar, int next) => sofar != ExitCodes.Ok ? sofar : next;
}
