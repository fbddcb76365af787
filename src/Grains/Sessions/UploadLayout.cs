namespace Orleans.Uploads.Grains.Sessions;

/// <summary>How a file of known size divides into chunks: all full-size but the last.</summary>
[GenerateSerializer, Immutable, Alias("uploads.UploadLayout")]
public readonly record struct UploadLayout([property: Id(0)] long TotalSize, [property: Id(1)] int ChunkSize)
{
    public int TotalChunks => (int)((TotalSize + ChunkSize - 1) / ChunkSize);

    public bool Contains(int chunkNumber) => chunkNumber >= 0 && chunkNumber < TotalChunks;

    public long OffsetOf(int chunkNumber) => (long)chunkNumber * ChunkSize;

    public int LengthOf(int chunkNumber) =>
        chunkNumber == TotalChunks - 1 ? (int)(TotalSize - OffsetOf(chunkNumber)) : ChunkSize;

    /// <summary>Chunks entirely below <paramref name="offset"/>; the last chunk counts once the whole file is there.</summary>
    public int ChunksBelow(long offset) => offset >= TotalSize ? TotalChunks : (int)(offset / ChunkSize);
}
