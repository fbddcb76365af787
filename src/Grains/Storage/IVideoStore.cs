namespace Orleans.Uploads.Grains.Storage;

/// <summary>Where finished uploads live as videos, named by a storage key; they arrive whole, by promotion of a temp object.</summary>
public interface IVideoStore
{
    /// <summary>Atomically moves an upload's temp object into final storage and returns the video's storage key. Idempotent.</summary>
    Task<string> PromoteAsync(Guid uploadId, string extension, CancellationToken cancellationToken = default);

    /// <summary>Moves a video aside into quarantine (kept, never served again: <see cref="OpenRead"/> no longer finds it). Idempotent.</summary>
    Task QuarantineAsync(string storageKey, CancellationToken cancellationToken = default);

    /// <summary>Opens a finished video for reading, or null when the key names nothing.</summary>
    Stream? OpenRead(string storageKey);

    /// <summary>Deletes a finished video's file; a key that names nothing is already deleted.</summary>
    Task DeleteAsync(string storageKey, CancellationToken cancellationToken = default);
}
