namespace Orleans.Uploads.Grains.Storage;

/// <summary>
/// A write refused because it would take the store's disk below its free-space floor. Thrown before any of the write's
/// bytes reach the file, so the upload keeps exactly what it had and can resume once space is free. An
/// <see cref="IOException"/>, so code that treats storage failures alike still catches it; sessions tell it apart (507).
/// </summary>
public sealed class InsufficientStorageException(string message) : IOException(message);
