namespace Orleans.Uploads.Grains.Cleanup;

[GenerateSerializer, Alias("uploads.CleanupState")]
public sealed class CleanupState
{
    /// <summary>The first deadline bucket not yet visited; null until the cleanup first runs.</summary>
    [Id(0)] public long? NextBucket { get; set; }
}
