namespace Orleans.Uploads.Grains.Storage;

/// <summary>
/// Where uploads in progress keep their bytes: one temp object per upload, written at offsets. Shared by every silo
/// and gateway of a deployment; the session grain is the only writer of its upload's object.
/// </summary>
public interface IUploadStore
{
    /// <summary>Creates the temp object for an upload, reserving <paramref name="size"/> bytes when known. Idempotent.</summary>
    Task CreateAsync(Guid uploadId, long? size, CancellationToken cancellationToken = default);

    /// <summary>Writes bytes at an offset; when it returns, the bytes are durable.</summary>
    Task WriteAsync(Guid uploadId, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Fills an upload's temp object with the temp objects of <paramref name="parts"/>, in order; durable on return.</summary>
    Task ConcatenateAsync(Guid uploadId, IReadOnlyList<Guid> parts, CancellationToken cancellationToken = default);

    /// <summary>Reads an upload's bytes from <paramref name="offset"/> on: the temp object, or the promoted video once it has moved.</summary>
    Stream OpenRead(Guid uploadId, string extension, long offset);

    /// <summary>Removes an upload's temp object, if any.</summary>
    Task DeleteAsync(Guid uploadId, CancellationToken cancellationToken = default);

    /// <summary>Lists the temp objects present, with their last write time, for orphan clean-up.</summary>
    IEnumerable<TempUpload> List();
}

public readonly record struct TempUpload(Guid UploadId, DateTimeOffset LastWriteTime, long Length);
