using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Videos;
using Orleans.Uploads.Hosting.GrainStorage;

namespace Orleans.Uploads.Hosting.Catalog;

/// <summary>
/// The standalone server's stored session and video states, for <see cref="CatalogRebuild"/>: the grains the local
/// grain storage lists under the <c>session</c> and <c>video</c> state names (see the grains' PersistentState), each
/// read through the storage itself so its format and serializer stay its business.
/// </summary>
internal static class LocalGrainStates
{
    public static async IAsyncEnumerable<StoredState> ReadAsync(SqliteGrainStorage storage)
    {
        await foreach (var grainId in storage.GrainIdsAsync("session"))
        {
            var state = new GrainState<UploadSessionState>();
            await storage.ReadStateAsync("session", grainId, state);
            if (state.RecordExists && state.State is { } session && grainId.TryGetGuidKey(out var id, out _))
            {
                yield return new StoredState(id, session, null);
            }
        }

        await foreach (var grainId in storage.GrainIdsAsync("video"))
        {
            var state = new GrainState<VideoRecord?>();
            await storage.ReadStateAsync("video", grainId, state);
            if (state.RecordExists && state.State is { } video && grainId.TryGetGuidKey(out var id, out _))
            {
                yield return new StoredState(id, null, video);
            }
        }
    }
}
