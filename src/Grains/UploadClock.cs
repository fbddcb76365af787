namespace Orleans.Uploads.Grains;

/// <summary>
/// The clock the upload rules read: session deadlines, expiry, the cleanup's buckets and the tallies' quiet periods.
/// It is a keyed service, apart from the container's plain <see cref="TimeProvider"/>, because Orleans reads that
/// one for its own timeouts (placement among them). A test that moves the uploads' clock by hours must not move
/// Orleans' too: a grain placement in flight at that moment times out and its caller gets an exception no codec
/// can carry across the wire.
/// </summary>
public static class UploadClock
{
    /// <summary>The service key the upload grains' <see cref="TimeProvider"/> is registered under.</summary>
    public const string Key = "uploads-clock";
}
