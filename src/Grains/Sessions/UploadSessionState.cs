using System.Text.Json.Serialization;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>What a session persists. Stored as JSON: add members freely, never rename or repurpose them.</summary>
[GenerateSerializer, Alias("uploads.UploadSessionState")]
public sealed class UploadSessionState
{
    public const int HashLength = 32;

    [Id(0)] public UploadStatus Status { get; set; }
    [Id(1)] public UploadMode Mode { get; set; }
    [Id(2)] public string Filename { get; set; } = "";
    [Id(3)] public string Extension { get; set; } = "";
    [Id(4)] public string? ProjectId { get; set; }
    [Id(5)] public long? TotalSize { get; set; }
    [Id(6)] public int ChunkSize { get; set; }

    /// <summary>Chunk mode: one bit per stored chunk.</summary>
    [Id(7)] public byte[] StoredChunks { get; set; } = [];

    /// <summary>
    /// Chunk mode with <c>VerifyStoredChunks</c>: the sha256 of every stored chunk, 32 bytes each at chunk * 32, checked
    /// against the stored file at completion. Empty otherwise, so a state write does not grow by 32 bytes per chunk.
    /// </summary>
    [Id(8)] public byte[] ChunkHashes { get; set; } = [];

    /// <summary>Rejected attempts per chunk (hash mismatches, failed writes); sparse because most chunks have none.</summary>
    [Id(9)] public Dictionary<int, int> ChunkRetries { get; set; } = [];

    /// <summary>Append mode: bytes stored contiguously from the start.</summary>
    [Id(10)] public long Offset { get; set; }

    [Id(11)] public string? ExpectedFileHash { get; set; }
    [Id(12)] public string? FileHash { get; set; }
    [Id(13)] public string? MetadataJson { get; set; }
    [Id(14)] public DateTimeOffset CreatedAt { get; set; }
    [Id(15)] public DateTimeOffset LastActivityAt { get; set; }
    [Id(16)] public DateTimeOffset? FirstByteAt { get; set; }
    [Id(17)] public DateTimeOffset? CompletedAt { get; set; }
    [Id(18)] public string? FailureReason { get; set; }
    [Id(19)] public UploadErrorCode? FailureCode { get; set; }
    [Id(20)] public UploadKind Kind { get; set; }

    /// <summary>A final upload: the partial uploads it was assembled from, in order.</summary>
    [Id(21)] public Guid[] Parts { get; set; } = [];

    /// <summary>A partial upload whose bytes a final upload has consumed.</summary>
    [Id(22)] public bool PartReleased { get; set; }

    /// <summary>When the session was cancelled, expired or failed: its retention period counts from here.</summary>
    [Id(23)] public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Who started the upload (the gateway's caller name), whose quota its bytes count against; null for none.</summary>
    [Id(24)] public string? CallerId { get; set; }

    /// <summary>Counts the session's state writes, so the statistics can tell a newer tally from an older one.</summary>
    [Id(25)] public long Revision { get; set; }

    /// <summary>Which HTTP protocol started the upload; <see cref="UploadProtocol.Unknown"/> for sessions stored before it was kept.</summary>
    [Id(26)] public UploadProtocol Protocol { get; set; }

    [JsonIgnore]
    public UploadLayout? Layout => TotalSize is { } size ? new UploadLayout(size, ChunkSize) : null;

    [JsonIgnore]
    public long UploadedBytes => Mode == UploadMode.Append || Layout is not { } layout
        ? Offset
        : StoredBytes(layout);

    [JsonIgnore]
    public int CompletedChunks => Mode == UploadMode.Append
        ? Layout?.ChunksBelow(Offset) ?? (int)(Offset / Math.Max(1, ChunkSize))
        : ChunkBitmap.Count(StoredChunks);

    [JsonIgnore]
    public bool AllBytesStored => Layout is { } layout && (Mode == UploadMode.Append
        ? Offset == layout.TotalSize
        : ChunkBitmap.Count(StoredChunks) == layout.TotalChunks);

    [JsonIgnore]
    public int TotalRetries => ChunkRetries.Values.Sum();

    /// <summary>The chunks a client still has to send: unset bits in chunk mode, everything past the offset in append mode.</summary>
    public int[] MissingChunks() => Layout is not { } layout
        ? []
        : Mode == UploadMode.Chunks
            ? ChunkBitmap.Missing(StoredChunks, layout.TotalChunks)
            : [.. Enumerable.Range(layout.ChunksBelow(Offset), layout.TotalChunks - layout.ChunksBelow(Offset))];

    public bool IsMissing(int chunk) =>
        Mode != UploadMode.Chunks || chunk >= StoredChunks.Length * 8 || !ChunkBitmap.IsSet(StoredChunks, chunk);

    public void CountRetry(int chunk) => ChunkRetries[chunk] = ChunkRetries.GetValueOrDefault(chunk) + 1;

    public ReadOnlySpan<byte> HashOf(int chunk) => ChunkHashes.AsSpan(chunk * HashLength, HashLength);

    /// <summary>A copy for the storage provider, so later turns can keep changing this one while it is written.</summary>
    public UploadSessionState Clone()
    {
        var copy = (UploadSessionState)MemberwiseClone();
        copy.StoredChunks = (byte[])StoredChunks.Clone();
        copy.ChunkHashes = (byte[])ChunkHashes.Clone();
        copy.ChunkRetries = new Dictionary<int, int>(ChunkRetries);
        copy.Parts = (Guid[])Parts.Clone();
        return copy;
    }

    private long StoredBytes(UploadLayout layout)
    {
        var storedChunks = ChunkBitmap.Count(StoredChunks);
        var lastChunk = layout.TotalChunks - 1;
        if (storedChunks == 0)
        {
            return 0;
        }

        return ChunkBitmap.IsSet(StoredChunks, lastChunk)
            ? ((long)(storedChunks - 1) * layout.ChunkSize) + layout.LengthOf(lastChunk)
            : (long)storedChunks * layout.ChunkSize;
    }
}
