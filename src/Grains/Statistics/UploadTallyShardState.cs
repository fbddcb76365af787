namespace Orleans.Uploads.Grains.Statistics;

/// <summary>What a tally shard persists. Stored as JSON: add members freely, never rename or repurpose them.</summary>
[GenerateSerializer, Alias("uploads.UploadTallyShardState")]
public sealed class UploadTallyShardState
{
    /// <summary>Every registered upload of the shard that has not settled; null until its first tally arrives.</summary>
    [Id(0)] public Dictionary<Guid, UploadTally?> Tallies { get; set; } = [];

    /// <summary>The sums of the settled tallies folded out of <see cref="Tallies"/>.</summary>
    [Id(1)] public UploadTotals Folded { get; set; } = new();

    /// <summary>When each recently folded upload was folded: a late or repeated tally of one of them is ignored, not counted again.</summary>
    [Id(2)] public Dictionary<Guid, DateTimeOffset> RecentlyFolded { get; set; } = [];
}
