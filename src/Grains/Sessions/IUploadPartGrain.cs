namespace Orleans.Uploads.Grains.Sessions;

/// <summary>tus concatenation, as a final upload asks it of each of its partial uploads.</summary>
[Alias("uploads.IUploadPartGrain")]
public interface IUploadPartGrain : IGrainWithGuidKey
{
    /// <summary>Whether this upload is a finished partial upload that a final upload may concatenate.</summary>
    [Alias("DescribePart")]
    Task<PartInfo> DescribePartAsync();

    /// <summary>A final upload has consumed this partial upload: its bytes are no longer needed.</summary>
    [Alias("ReleasePart")]
    Task ReleasePartAsync();
}
