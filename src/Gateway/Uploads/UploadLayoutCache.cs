using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Gateway.Uploads;

/// <summary>
/// A session's chunk layout never changes once it exists, so the gateway keeps it to check a chunk's number
/// and declared length before reading its body, without a grain call per chunk.
/// </summary>
public sealed class UploadLayoutCache(IGrainFactory grains) : IDisposable
{
    private readonly UploadFactCache<UploadLayout> _layouts = new();

    public async Task<UploadLayout?> GetAsync(Guid uploadId)
    {
        if (_layouts.TryGet(uploadId, out var layout))
        {
            return layout;
        }

        var loaded = await grains.GetGrain<IChunkUploadGrain>(uploadId).GetLayoutAsync();
        if (loaded is { } known)
        {
            Remember(uploadId, known);
        }

        return loaded;
    }

    public void Remember(Guid uploadId, UploadLayout layout) => _layouts.Remember(uploadId, layout);

    public void Dispose() => _layouts.Dispose();
}
