namespace Orleans.Uploads.Cluster.Tests.RealCluster;

/// <summary>
/// The real-cluster classes run one at a time and alone: each runs two silos, two gateways and PostgreSQL as real
/// processes, and crash timings are meaningful only when those processes are not fighting another cluster for the CPU.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealClusterCollection
{
    public const string Name = "Real cluster";
}
