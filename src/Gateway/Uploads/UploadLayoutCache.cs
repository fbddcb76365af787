using Microsoft.Extensions.Caching.Memory;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Gateway.Uploads;

/// <summary>
/// A session's chunk layout never changes once it exists, so the gateway keeps it to check a chunk's number
/// and declared length before reading its body, without a grain call per chunk.
/// </summary>
public sealed class UploadLayoutCache(IGrainFactory grains) : IDisposable
{
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    private static readonly MemoryCacheEntryOptions Entry = new() { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(10) };

    public async Task<UploadLayout?> GetAsync(Guid uploadId)
    {
        if (cache.TryGetValue(uploadId, out UploadLayout layout))
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

    public void Remember(Guid uploadId, UploadLayout layout) => cache.Set(uploadId, layout, Entry);

    public void Dispose() => cache.Dispose();
}
