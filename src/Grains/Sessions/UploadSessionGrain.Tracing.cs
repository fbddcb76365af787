using System.Diagnostics;
using Orleans.Uploads.Grains.Telemetry;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// The session's spans: its writes into the upload store, as children of the grain call that carried the bytes (whose
/// context Orleans' activity propagation brings from the gateway), tagged with the upload and the silo that wrote them.
/// </summary>
public sealed partial class UploadSessionGrain
{
    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/> of the upload's temp file inside a store-write span.</summary>
    private async Task WriteToStoreAsync(long offset, ReadOnlyMemory<byte> data)
    {
        using var span = UploadTracing.Source.StartActivity(UploadTracing.StoreWrite);
        if (span is not null)
        {
            span.SetTag(UploadTracing.UploadIdTag, UploadId.ToString("N"));
            span.SetTag(UploadTracing.SiloAddressTag, GrainContext.Address.SiloAddress?.ToString());
            span.SetTag(UploadTracing.OffsetTag, offset);
            span.SetTag(UploadTracing.BytesTag, data.Length);
        }

        try
        {
            await _uploads.WriteAsync(UploadId, offset, data);
        }
        catch (Exception ex)
        {
            span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
    }
}
