using Orleans.Storage;
using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Videos;

namespace Orleans.Uploads.Hosting.Catalog;

/// <summary>
/// The standalone server's stored session and video states, for <see cref="CatalogRebuild"/>: the files under the state
/// directory's <c>session/</c> and <c>video/</c> folders (state names, see the grains' PersistentState), each read through
/// the grain storage itself so the file format and serializer stay its business. A file's name is its grain id with '/'
/// as '+'; names too long for that are hashes and cannot be read back, but upload and video ids are never that long.
/// </summary>
internal static class LocalGrainStates
{
    public static async IAsyncEnumerable<StoredState> ReadAsync(IGrainStorage storage, string stateDirectory)
    {
        foreach (var (grainId, id) in GrainIds(stateDirectory, "session"))
        {
            var state = new GrainState<UploadSessionState>();
            await storage.ReadStateAsync("session", grainId, state);
            if (state.RecordExists && state.State is { } session)
            {
                yield return new StoredState(id, session, null);
            }
        }

        foreach (var (grainId, id) in GrainIds(stateDirectory, "video"))
        {
            var state = new GrainState<VideoRecord?>();
            await storage.ReadStateAsync("video", grainId, state);
            if (state.RecordExists && state.State is { } video)
            {
                yield return new StoredState(id, null, video);
            }
        }
    }

    private static IEnumerable<(GrainId GrainId, Guid Id)> GrainIds(string stateDirectory, string stateName)
    {
        var folder = Path.Combine(Path.GetFullPath(stateDirectory), stateName);
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*.json"))
        {
            var key = Path.GetFileNameWithoutExtension(file).Replace('+', '/');
            if (GrainId.TryParse(key, out var grainId) && grainId.TryGetGuidKey(out var id, out _))
            {
                yield return (grainId, id);
            }
        }
    }
}
