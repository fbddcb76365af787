namespace Orleans.Uploads.Gateway.Hosting;

/// <summary>The <c>Gateway</c> configuration section: HTTP-side limits.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>New uploads (initiate, tus creation or legacy form post) one caller may start per minute; 0 turns the limit off.</summary>
    public int InitiatePermitsPerMinute { get; set; } = 600;

    /// <summary>Requests one caller may make per second on any route but the health probes (bursts up to a second's worth); 0 turns the limit off.</summary>
    public int RequestsPerSecond { get; set; } = 500;

    /// <summary>Upload bodies (seed chunks, tus PATCH and creation, legacy form posts) one caller may send at once; 0 turns the limit off.</summary>
    public int ConcurrentBodiesPerCaller { get; set; } = 32;

    /// <summary>
    /// Memory for request bodies in transit (seed chunks, tus and form pieces), shared by every upload on this gateway;
    /// taken as bytes arrive, and requests beyond it wait for room. The default holds two uploads with three 5 MiB
    /// chunks in flight each.
    /// </summary>
    public int BodyBufferMegabytes { get; set; } = 32;

    public long BodyBufferBytes => BodyBufferMegabytes * 1024L * 1024;

    /// <summary>How long a body may wait for room in the body memory before it is answered 408; 0 waits for ever.</summary>
    public int BodyBufferWaitSeconds { get; set; } = 20;

    /// <summary>The slowest a request body may arrive, in bytes per second after the grace period, before it is answered 408; 0 turns the check off.</summary>
    public int MinBodyBytesPerSecond { get; set; } = 240;

    /// <summary>Seconds a body may arrive slower than <see cref="MinBodyBytesPerSecond"/> at its start (at least 2).</summary>
    public int BodyRateGraceSeconds { get; set; } = 5;

    /// <summary>Addresses of the load balancers whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed; empty (with no <see cref="KnownNetworks"/>) believes none.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks (CIDR, such as <c>172.16.0.0/12</c>) whose load balancers are believed, as <see cref="KnownProxies"/>.</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>Browser origins allowed to call the API (CORS); empty allows none.</summary>
    public string[] AllowedOrigins { get; set; } = [];
}
