using Microsoft.Extensions.Caching.Memory;

namespace Orleans.Uploads.Gateway.Uploads;

/// <summary>
/// What a gateway keeps about uploads that never changes once a client can know their ids (a chunk layout, a project), so
/// it need not ask the session on every request: bounded in entries, each forgotten ten minutes after its last use.
/// Only facts of uploads that exist are kept; an unknown id is asked about again.
/// </summary>
public sealed class UploadFactCache<T> : IDisposable
{
    private static readonly MemoryCacheEntryOptions Entry = new() { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(10) };

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    public bool TryGet(Guid uploadId, out T fact) => _cache.TryGetValue(uploadId, out fact!);

    public void Remember(Guid uploadId, T fact) => _cache.Set(uploadId, fact, Entry);

    public void Dispose() => _cache.Dispose();
}
