using System.Diagnostics;

namespace Orleans.Uploads.Grains.Telemetry;

/// <summary>
/// The service's own ActivitySource, <see cref="SourceName"/>: spans for the work Orleans' and ASP.NET's own sources do not
/// see, such as the session grain's write into the upload store. A span starts only while a listener (an OpenTelemetry
/// tracer provider naming this source) samples it, so without one it costs a null check.
/// </summary>
public static class UploadTracing
{
    public const string SourceName = "Orleans.Uploads";

    /// <summary>The span around one write of upload bytes into the store.</summary>
    public const string StoreWrite = "upload.store.write";

    public const string UploadIdTag = "upload.id";

    /// <summary>The silo that hosted the session when it wrote: a trace shows which silo of a cluster did the work.</summary>
    public const string SiloAddressTag = "orleans.silo.address";

    public const string OffsetTag = "upload.offset";

    public const string BytesTag = "upload.bytes";

    public static readonly ActivitySource Source = new(SourceName);
}
