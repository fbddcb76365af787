using Microsoft.Extensions.Options;

namespace Orleans.Uploads.Hosting.Configuration;

/// <summary>Fails start-up with a message that names the bad <c>Cluster</c> setting.</summary>
public sealed class ClusterOptionsValidator : IValidateOptions<ClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterOptions options) =>
        options.Clustering == ClusteringKind.Postgres && string.IsNullOrWhiteSpace(options.ConnectionString)
            ? ValidateOptionsResult.Fail(
                $"{ClusterOptions.SectionName}:ConnectionString is required when {ClusterOptions.SectionName}:Clustering is {ClusteringKind.Postgres}.")
            : ValidateOptionsResult.Success;
}
