namespace Orleans.Uploads.Grains.Sessions;

/// <summary>Numbered chunks (the seed API): any order, several at once, re-sends judged against what is stored.</summary>
[Alias("uploads.IChunkUploadGrain")]
public interface IChunkUploadGrain : IGrainWithGuidKey
{
    /// <summary>The chunk layout, or null for an unknown upload or one whose length is not declared yet.</summary>
    [Alias("GetLayout")]
    Task<UploadLayout?> GetLayoutAsync();

    /// <summary>Stores one numbered chunk. Acknowledged only once its bytes and its record are durable.</summary>
    [Alias("PutChunk")]
    Task<UploadResult<ChunkReceipt>> PutChunkAsync(int chunkNumber, ChunkPayload payload, string? sha256Hex);
}
