namespace Orleans.Uploads.Gateway.Hosting;

/// <summary>The <c>Gateway</c> configuration section: HTTP-side limits.</summary>
public sealed class GatewaySettings
{
    public const string SectionName = "Gateway";

    /// <summary>New uploads (initiate or legacy form post) one client address may start per minute; 0 turns the limit off.</summary>
    public int InitiatePermitsPerMinute { get; set; } = 600;

    /// <summary>Browser origins allowed to call the API (CORS); empty allows none.</summary>
    public string[] AllowedOrigins { get; set; } = [];
}
