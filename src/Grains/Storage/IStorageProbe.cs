namespace Orleans.Uploads.Grains.Storage;

/// <summary>Whether the stores can be written right now, and how much room is left: what the health check asks.</summary>
public interface IStorageProbe
{
    /// <summary>Throws when the store cannot be written; otherwise says how much of its disk is free.</summary>
    Task<StorageRoom> ProbeAsync(CancellationToken cancellationToken = default);
}

/// <summary>Free bytes on the upload disk, and the floor below which writes are refused (0: no floor).</summary>
public sealed record StorageRoom(long FreeBytes, long FloorBytes)
{
    /// <summary>True when uploads are being refused for lack of space (507 insufficient_storage).</summary>
    public bool BelowFloor => FloorBytes > 0 && FreeBytes < FloorBytes;
}
