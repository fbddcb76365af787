using Orleans.Uploads.Grains.Storage;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// The file's sha256 for one session, the one way it is computed: either grown with the stored prefix while the
/// upload runs (<see cref="PrefixDigest"/>, so every byte is hashed once and completion needs no second pass), or,
/// for sessions that verify stored chunks, by reading the whole file back at completion with every chunk's hash.
/// </summary>
public sealed class SessionDigest(Func<long, Stream> openAt, bool growsWithPrefix) : IDisposable
{
    private PrefixDigest? _prefix;

    private PrefixDigest Prefix => _prefix ??= new PrefixDigest(openAt);

    /// <summary>
    /// Feeds newly stored bytes (<paramref name="held"/>, at <paramref name="offset"/>) to the running hash, up to
    /// <paramref name="storedEnd"/>; does nothing for a session that hashes at completion or not at all.
    /// </summary>
    public Task AdvanceAsync(long storedEnd, long offset, ReadOnlyMemory<byte> held) =>
        growsWithPrefix ? Prefix.AdvanceAsync(storedEnd, offset, held) : Task.CompletedTask;

    /// <summary>The sha256 of the first <paramref name="length"/> bytes, all of which must be stored.</summary>
    public Task<byte[]> HashOfFirstAsync(long length) => Prefix.HashOfFirstAsync(length);

    /// <summary>Reads the whole stored file back, hashing it and each chunk; off the grain's scheduler, since it is long work.</summary>
    public Task<UploadDigest> ReadBackAsync(int chunkSize) => Task.Run(async () =>
    {
        await using var content = openAt(0);
        return await UploadDigest.ComputeAsync(content, chunkSize, withChunkHashes: true, CancellationToken.None);
    });

    public void Dispose() => _prefix?.Dispose();
}
