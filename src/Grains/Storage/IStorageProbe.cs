namespace Orleans.Uploads.Grains.Storage;

/// <summary>Whether the stores can be written right now: what the health check asks.</summary>
public interface IStorageProbe
{
    /// <summary>Throws when the store cannot be written.</summary>
    Task ProbeAsync(CancellationToken cancellationToken = default);
}
