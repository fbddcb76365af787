namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// Which HTTP protocol started an upload: metrics count by it, the seed's tables show it, and operators tell a tus upload
/// from a seed one by it. Set once at initiation. Numbers are stored: never renumber; sessions stored before it existed
/// read as <see cref="Unknown"/>.
/// </summary>
[GenerateSerializer, Alias("uploads.UploadProtocol")]
public enum UploadProtocol
{
    Unknown = 0,

    /// <summary>The seed API: <c>/api/uploads</c>, numbered chunks.</summary>
    Seed = 1,

    /// <summary>tus 1.0 at <c>/files</c>.</summary>
    Tus = 2,

    /// <summary>The legacy single form post, <c>/api/videos/upload</c>.</summary>
    Legacy = 3,

    /// <summary>IETF Resumable Uploads for HTTP (draft interop versions 5, 6 and 8), at <c>/files</c> and <c>/api/videos</c>.</summary>
    Ietf = 4,
}

public static class UploadProtocolNames
{
    /// <summary>The name used in metric tags, tables and logs.</summary>
    public static string Name(this UploadProtocol protocol) => protocol switch
    {
        UploadProtocol.Seed => "seed",
        UploadProtocol.Tus => "tus",
        UploadProtocol.Legacy => "legacy",
        UploadProtocol.Ietf => "ietf",
        _ => "unknown",
    };
}
