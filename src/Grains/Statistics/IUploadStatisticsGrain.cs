namespace Orleans.Uploads.Grains.Statistics;

/// <summary>The cluster's statistics (key 0), summed from the tally shards when asked.</summary>
[Alias("uploads.IUploadStatisticsGrain")]
public interface IUploadStatisticsGrain : IGrainWithIntegerKey
{
    public const long Key = 0;

    [Alias("Get")]
    Task<UploadStatistics> GetAsync();
}
