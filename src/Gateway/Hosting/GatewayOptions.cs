namespace Orleans.Uploads.Gateway.Hosting;

/// <summary>The <c>Gateway</c> configuration section: HTTP-side limits.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>New uploads (initiate or legacy form post) one client address may start per minute; 0 turns the limit off.</summary>
    public int InitiatePermitsPerMinute { get; set; } = 600;

    /// <summary>
    /// Memory for request bodies in transit (seed chunks, tus and form pieces), shared by every upload on this gateway;
    /// requests beyond it wait for room. A chunk larger than the whole budget waits until it has the budget to itself.
    /// The default holds two uploads with three 5 MiB chunks in flight each.
    /// </summary>
    public int BodyBufferMegabytes { get; set; } = 32;

    public long BodyBufferBytes => BodyBufferMegabytes * 1024L * 1024;

    /// <summary>Browser origins allowed to call the API (CORS); empty allows none.</summary>
    public string[] AllowedOrigins { get; set; } = [];
}
