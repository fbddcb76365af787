namespace Orleans.Uploads.Grains.ChunkStorage;

/// <summary>
/// Where upload bytes live: one temp object per upload, written at offsets, promoted whole into final storage.
/// Every implementation is shared by all silos and gateways of a deployment.
/// </summary>
public interface IChunkStore
{
    /// <summary>Creates the temp object for an upload, reserving <paramref name="size"/> bytes when known. Idempotent.</summary>
    Task CreateAsync(Guid uploadId, long? size, CancellationToken cancellationToken = default);

    /// <summary>Writes bytes at an offset; when it returns, the bytes are durable.</summary>
    Task WriteAsync(Guid uploadId, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Fills an upload's temp object with the temp objects of <paramref name="parts"/>, in order; durable on return.</summary>
    Task ConcatenateAsync(Guid uploadId, IReadOnlyList<Guid> parts, CancellationToken cancellationToken = default);

    /// <summary>Reads an upload's bytes from <paramref name="offset"/> on: the temp object, or the promoted file once it has moved.</summary>
    Stream OpenUploadRead(Guid uploadId, string extension, long offset);

    /// <summary>Atomically moves the temp object into final storage and returns the video's storage key. Idempotent.</summary>
    Task<string> PromoteAsync(Guid uploadId, string extension, CancellationToken cancellationToken = default);

    /// <summary>Removes an upload's temp object, if any.</summary>
    Task DeleteUploadAsync(Guid uploadId, CancellationToken cancellationToken = default);

    /// <summary>Opens a finished video for reading, or null when the key names nothing.</summary>
    Stream? OpenVideoRead(string storageKey);

    /// <summary>Lists the temp objects present, with their last write time, for orphan clean-up.</summary>
    IEnumerable<TempUpload> ListTempUploads();

    /// <summary>Throws when the store cannot be written; used by health checks.</summary>
    Task ProbeAsync(CancellationToken cancellationToken = default);
}

public readonly record struct TempUpload(Guid UploadId, DateTimeOffset LastWriteTime, long Length);
