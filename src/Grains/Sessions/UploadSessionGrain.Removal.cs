using Microsoft.Extensions.Logging;
using Orleans.Uploads.Grains.Videos;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// tus termination of a finished upload (tus 1.0: DELETE of an existing upload is 204; tusd removes finished uploads
/// too): its video goes (listing, file, record), or a part's bytes, then the session forgets itself and reads as no
/// upload at all (404). The seed API's cancel keeps refusing finished uploads with 409; only tus DELETE comes here.
/// Hazard: the video is removed before the session forgets, so a removal cut short by a crash is finished by the
/// client's retried DELETE, which still finds a completed session; the other order would leave a video nobody can reach.
/// </summary>
public sealed partial class UploadSessionGrain
{
    private async Task<UploadResult<UploadSnapshot>> RemoveFinishedAsync()
    {
        var removed = Snapshot();
        var wasPart = _state.Kind == UploadKind.Partial;
        if (!wasPart)
        {
            try
            {
                await GrainFactory.GetGrain<IVideoGrain>(UploadId).RemoveAsync();
            }
            catch (Exception ex) when (SessionErrors.IsStorageFailure(ex))
            {
                // The file could not be deleted: nothing is forgotten yet, so the client's retried DELETE finishes the job.
                return StorageFailed(ex);
            }
        }

        // The completion counted stays counted: the upload did complete; what goes is the upload and its bytes.
        _state = new UploadSessionState();
        _completion = null;
        _digest?.Dispose();
        _digest = null;
        await _writer.FlushAsync();
        if (wasPart)
        {
            await DeleteTempDataAsync();
        }

        LogRemoved(UploadId);
        return UploadResult.Ok(removed);
    }

    [LoggerMessage(LogLevel.Information, "Upload session {UploadId} removed with its video (tus termination of a finished upload)")]
    private partial void LogRemoved(Guid uploadId);
}
