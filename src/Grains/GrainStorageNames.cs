namespace Orleans.Uploads.Grains;

/// <summary>The grain storage provider names the grains' <c>[PersistentState]</c> use; hosting registers a provider under each.</summary>
public static class GrainStorageNames
{
    /// <summary>The one grain storage provider every upload grain uses: local files standalone, PostgreSQL in a cluster.</summary>
    public const string Uploads = "uploads";
}
