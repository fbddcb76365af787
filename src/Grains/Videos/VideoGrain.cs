using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Uploads.Grains.Catalog;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Uploads.Grains.Scanning;
using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Storage;

namespace Orleans.Uploads.Grains.Videos;

/// <summary>
/// One finished video's record. After each durable write its row in the seed's videos table follows through the silo's
/// <see cref="CatalogProjector"/>, and every change waits briefly for it: the upload's "completed", its removal and a
/// scan verdict are acknowledged with the table already agreeing (see <see cref="VideoGrain.ProjectAsync"/>).
/// </summary>
[GrainType("video")]
public sealed class VideoGrain(
    [PersistentState("video", GrainStorageNames.Uploads)] IPersistentState<VideoRecord?> video,
    IOptions<ScanningOptions> scanning,
    IVideoStore store)
    : Grain, IVideoGrain
{
    public async Task<VideoRecord> RegisterAsync(VideoRecord record)
    {
        if (video.RecordExists && video.State is { } existing)
        {
            // A completion retried after a crash between recording the video and starting its scan starts it now.
            await StartScanIfPendingAsync(existing);
            return existing;
        }

        video.State = record with { ScanStatus = scanning.Value.Enabled ? ScanStatus.Pending : ScanStatus.Unscanned };
        await video.WriteStateAsync();
        await ProjectAsync(new VideoChange(record.Id, VideoRows.Of(video.State)));
        await StartScanIfPendingAsync(video.State);
        return video.State;
    }

    public Task<VideoRecord?> GetAsync() => Task.FromResult(video.RecordExists ? video.State : null);

    public async Task SetScanStatusAsync(string status, string? detail)
    {
        if (!video.RecordExists || video.State is not { } current || (current.ScanStatus == status && current.ScanDetail == detail))
        {
            return;
        }

        video.State = current with { ScanStatus = status, ScanDetail = detail };
        await video.WriteStateAsync();
        await ProjectAsync(new VideoChange(current.Id, VideoRows.Of(video.State)));
    }

    private Task StartScanIfPendingAsync(VideoRecord record) => record.ScanStatus == ScanStatus.Pending
        ? GrainFactory.GetGrain<IVideoScanGrain>(record.Id).StartAsync()
        : Task.CompletedTask;

    public async Task RemoveAsync()
    {
        if (!video.RecordExists || video.State is not { } existing)
        {
            return;
        }

        // The row goes first, so no listing names a video whose record is gone; the record goes last, so a removal cut
        // short is finished by the next call, which still knows what to remove.
        await ProjectAsync(new VideoChange(existing.Id, Row: null));
        await store.DeleteAsync(existing.Filename);
        await video.ClearStateAsync();
    }

    /// <summary>
    /// Hands the row (or its deletion) to the projector, then waits at most two seconds for the commit, a failure only
    /// delaying the row. An activation re-projects its record, so a silo killed before its flush
    /// is repaired when the video is next touched (and by rebuild-tables). Hosts without a catalog skip all this.
    /// </summary>
    private async Task ProjectAsync(VideoChange change)
    {
        if (ServiceProvider.GetService<CatalogProjector>() is not { } projector)
        {
            return;
        }

        projector.Enqueue(change);
        await projector.WaitWrittenAsync(TimeSpan.FromSeconds(2));
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (video.RecordExists && video.State is { } existing && ServiceProvider.GetService<CatalogProjector>() is { } projector)
        {
            projector.Enqueue(new VideoChange(existing.Id, VideoRows.Of(existing)));
        }

        return base.OnActivateAsync(cancellationToken);
    }
}
