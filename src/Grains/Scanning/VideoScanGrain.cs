using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Uploads.Grains.Storage;
using Orleans.Uploads.Grains.Videos;
using Polly;

namespace Orleans.Uploads.Grains.Scanning;

/// <summary>
/// Scans one finished video: an attempt at start, then one per reminder tick (<c>Scanning:AttemptInterval</c>) until a
/// verdict, each attempt with Polly's quick retries; after <c>Scanning:MaxAttempts</c> failed attempts the video is
/// <c>scan_failed</c>. An infected video's file is moved into quarantine before its record says so.
/// </summary>
[GrainType("video-scan")]
public sealed partial class VideoScanGrain(
    [PersistentState("scan", GrainStorageNames.Uploads)] IPersistentState<VideoScanState> state,
    IServiceProvider services,
    IVideoStore videos,
    IOptions<ScanningOptions> scanningOptions,
    ILogger<VideoScanGrain> logger)
    : Grain, IVideoScanGrain, IRemindable
{
    private const string ReminderName = "scan-video";
    private readonly ScanningOptions _options = scanningOptions.Value;
    private Task? _attempt;

    private Guid VideoId => this.GetPrimaryKey();

    public async Task StartAsync()
    {
        if (state.State.Published)
        {
            return;
        }

        if (!state.RecordExists)
        {
            await state.WriteStateAsync();
        }

        await GrainFactory.GetGrain<IPendingScansGrain>(IPendingScansGrain.Key).AddAsync(VideoId);
        await this.RegisterOrUpdateReminder(ReminderName, _options.AttemptInterval, _options.AttemptInterval);
        DriveOn();
    }

    public Task<VideoScanSnapshot> GetAsync() => Task.FromResult(new VideoScanSnapshot(state.State.Status, state.State.FailedAttempts, state.State.Detail));

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Published)
        {
            await UnregisterReminderAsync();
            return;
        }

        DriveOn();
    }

    /// <summary>One attempt at a time: a tick while one runs is skipped.</summary>
    private void DriveOn() => _attempt ??= AttemptGuardedAsync();

    private async Task AttemptGuardedAsync()
    {
        await Task.Yield();
        try
        {
            await AttemptAsync();
        }
        catch (Exception ex)
        {
            // State writes or the video grain failed: the next tick tries again.
            LogDriveFailed(VideoId, ex);
        }
        finally
        {
            _attempt = null;
        }
    }

    private async Task AttemptAsync()
    {
        if (state.State.Status == ScanStatus.Pending)
        {
            await ScanAsync();
        }

        if (state.State.Status != ScanStatus.Pending)
        {
            await PublishAsync();
        }
    }

    private async Task ScanAsync()
    {
        var video = await GrainFactory.GetGrain<IVideoGrain>(VideoId).GetAsync();
        var scanner = services.GetKeyedService<IVideoScanner>(_options.ParsedMode);
        if (video is null || scanner is null)
        {
            await DecideAsync(video is null ? ScanStatus.Failed : ScanStatus.Unscanned, video is null ? "the video no longer exists" : "scanning was turned off before a verdict");
            return;
        }

        try
        {
            var pipeline = ScanRetryPipeline.Create(_options);

            // Off the grain's scheduler: the scan streams the whole file.
            var verdict = await Task.Run(async () => await pipeline.ExecuteAsync(async cancellation => await scanner.ScanAsync(video, cancellation)));
            await DecideAsync(verdict.Infected ? ScanStatus.Infected : ScanStatus.Clean, verdict.Finding);
        }
        catch (ScanFailedException ex) when (ex.Permanent)
        {
            await DecideAsync(ScanStatus.Failed, ex.Message);
        }
        catch (Exception ex)
        {
            state.State.FailedAttempts++;
            state.State.Detail = ex.Message;
            LogAttemptFailed(VideoId, state.State.FailedAttempts, _options.MaxAttempts, ex.Message);
            if (state.State.FailedAttempts >= _options.MaxAttempts)
            {
                await DecideAsync(ScanStatus.Failed, $"no verdict after {state.State.FailedAttempts} attempts; last: {ex.Message}");
                return;
            }

            await state.WriteStateAsync();
        }
    }

    private async Task DecideAsync(string status, string? detail)
    {
        state.State.Status = status;
        state.State.Detail = detail;
        await state.WriteStateAsync();
        LogVerdict(VideoId, status, detail);
    }

    /// <summary>Quarantine (infected), then the video's record, then off the pending list; each step is idempotent.</summary>
    private async Task PublishAsync()
    {
        var video = GrainFactory.GetGrain<IVideoGrain>(VideoId);
        if (state.State.Status == ScanStatus.Infected && await video.GetAsync() is { } record)
        {
            await videos.QuarantineAsync(record.Filename);
        }

        await video.SetScanStatusAsync(state.State.Status, state.State.Detail);
        state.State.Published = true;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IPendingScansGrain>(IPendingScansGrain.Key).RemoveAsync(VideoId);
        await UnregisterReminderAsync();
    }

    private async Task UnregisterReminderAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Scan of video {VideoId}: attempt {Attempt} of {MaxAttempts} failed: {Reason}")]
    private partial void LogAttemptFailed(Guid videoId, int attempt, int maxAttempts, string reason);

    [LoggerMessage(LogLevel.Information, "Scan of video {VideoId}: {Status} {Detail}")]
    private partial void LogVerdict(Guid videoId, string status, string? detail);

    [LoggerMessage(LogLevel.Warning, "Scan of video {VideoId} could not be driven on; the next reminder tick tries again")]
    private partial void LogDriveFailed(Guid videoId, Exception exception);
}
