namespace Orleans.Uploads.Grains.Statistics;

/// <summary>What a tally shard persists. Stored as JSON: add members freely, never rename or repurpose them.</summary>
[GenerateSerializer, Alias("uploads.UploadTallyShardState")]
public sealed class UploadTallyShardState
{
    /// <summary>Every registered upload of the shard; null until its first tally arrives.</summary>
    [Id(0)] public Dictionary<Guid, UploadTally?> Tallies { get; set; } = [];
}
