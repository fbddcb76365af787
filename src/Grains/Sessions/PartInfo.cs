namespace Orleans.Uploads.Grains.Sessions;

/// <summary>What a final (concatenated) upload needs to know of one of its parts.</summary>
[GenerateSerializer, Immutable, Alias("uploads.PartInfo")]
public sealed record PartInfo([property: Id(0)] bool IsUsable, [property: Id(1)] long Size, [property: Id(2)] string Reason)
{
    /// <summary>What an unknown upload, or one the caller may not see, is as a part: indistinguishable from a whole upload.</summary>
    public const string NotAPartialUpload = "it is not a partial upload";
}

/// <summary>tus concatenation: a partial upload is one piece of a final upload, which is assembled from its parts.</summary>
[GenerateSerializer, Alias("uploads.UploadKind")]
public enum UploadKind
{
    Whole = 0,
    Partial = 1,
    Final = 2,
}
