namespace Orleans.Uploads.Grains;

public static class GrainStorageNames
{
    /// <summary>The one grain storage provider every upload grain uses: local files standalone, PostgreSQL in a cluster.</summary>
    public const string Uploads = "uploads";
}
