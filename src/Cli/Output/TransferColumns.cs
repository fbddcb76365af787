// Why this file exists: the bar's speed and time-left columns show the client's own numbers (this run's sends only),
// not Spectre's, which would count the chunks a resumed upload already had as if they were sent just now.

using Orleans.Uploads.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Orleans.Uploads.Cli.Output;

/// <summary>Keeps a task's latest <see cref="UploadProgress"/> where the columns read it.</summary>
public static class TransferState
{
    private const string Speed = "bytesPerSecond";
    private const string Remaining = "secondsRemaining";
    private const string Phase = "phase";
    private const string Completed = "completedChunks";
    private const string Total = "totalChunks";

    public static void Update(ProgressTask task, UploadProgress progress)
    {
        task.Value = progress.Percentage;
        if (progress.Phase == UploadPhase.Uploading)
        {
            // Completing and done keep the last speed shown, as the run's speed.
            task.State.Update<double>(Speed, _ => progress.BytesPerSecond);
            task.State.Update<double>(Remaining, _ => progress.EstimatedTimeRemaining?.TotalSeconds ?? -1);
        }

        task.State.Update<UploadPhase>(Phase, _ => progress.Phase);
        task.State.Update<int>(Completed, _ => progress.CompletedChunks);
        task.State.Update<int>(Total, _ => progress.TotalChunks);
    }

    /// <summary>Chunks done (or the phase: hashing, completing, done).</summary>
    public sealed class ChunksColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) => new Text(task.State.Get<UploadPhase>(Phase) switch
        {
            UploadPhase.Hashing => "hashing",
            UploadPhase.Uploading => $"{task.State.Get<int>(Completed)}/{task.State.Get<int>(Total)} chunks",
            UploadPhase.Completing => "completing",
            _ => "done",
        });
    }

    /// <summary>MB/s over this run's sends.</summary>
    public sealed class SpeedColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text($"{task.State.Get<double>(Speed) / 1_000_000,6:F1} MB/s");
    }

    /// <summary>Time left at this run's speed.</summary>
    public sealed class EtaColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text("ETA " + FormatEta(task.State.Get<double>(Remaining) is >= 0 and var s ? TimeSpan.FromSeconds(s) : null));
    }

    /// <summary>mm:ss (h:mm:ss past an hour), or --:-- before there is a speed.</summary>
    public static string FormatEta(TimeSpan? remaining) =>
        remaining is { } r ? r.ToString(r.TotalHours >= 1 ? @"h\:mm\:ss" : @"mm\:ss", System.Globalization.CultureInfo.InvariantCulture) : "--:--";
}
