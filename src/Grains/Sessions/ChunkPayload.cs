namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// Chunk bytes on their way to a session. Immutable, so a call inside one process (the standalone server)
/// hands the gateway's pooled buffer to the grain instead of deep-copying megabytes.
/// The sender must not reuse the buffer until the call has returned.
/// </summary>
[GenerateSerializer, Immutable, Alias("uploads.ChunkPayload")]
public readonly record struct ChunkPayload([property: Id(0)] ReadOnlyMemory<byte> Data);
