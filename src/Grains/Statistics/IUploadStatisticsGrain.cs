using Orleans.Concurrency;

namespace Orleans.Uploads.Grains.Statistics;

/// <summary>The cluster's one statistics aggregate (key 0). Sessions report without waiting for it.</summary>
[Alias("uploads.IUploadStatisticsGrain")]
public interface IUploadStatisticsGrain : IGrainWithIntegerKey
{
    public const long Key = 0;

    [OneWay, Alias("Record")]
    Task RecordAsync(UploadEvent change);

    [Alias("Get")]
    Task<UploadStatistics> GetAsync();
}
