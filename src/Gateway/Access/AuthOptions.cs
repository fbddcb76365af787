namespace Orleans.Uploads.Gateway.Access;

/// <summary>
/// The <c>Auth</c> configuration section: who may call the gateway (API keys, JWT bearer tokens), how upload tokens are
/// signed, and whether a gateway without callers may run open. Secrets live here; nothing in this section is ever logged.
/// </summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>Named API keys, each allowed a list of projects (<c>*</c> is every project).</summary>
    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    public JwtOptions Jwt { get; set; } = new();

    public UploadTokenOptions UploadTokens { get; set; } = new();

    /// <summary>
    /// Run without callers even where that is not the safe default (bound beyond loopback, or in cluster mode): every
    /// request then acts for a developer allowed every project. Only ever set on purpose.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Whether any caller is configured: without one the gateway runs open, or refuses to start.</summary>
    public bool HasCallers => ApiKeys.Count > 0 || Jwt.IsConfigured;
}

/// <summary>One API key: <c>Auth:ApiKeys:&lt;n&gt;:Name</c>, <c>:Key</c>, <c>:Projects:&lt;m&gt;</c>.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>Who holds the key, for logs and for telling keys apart; never the key itself.</summary>
    public string Name { get; set; } = "";

    public string Key { get; set; } = "";

    public List<string> Projects { get; set; } = [];
}

/// <summary>JWT bearer callers: <c>Auth:Jwt:*</c>. Either a shared signing key (HS256) or an authority's published keys.</summary>
public sealed class JwtOptions
{
    public string? Issuer { get; set; }

    public string? Audience { get; set; }

    /// <summary>Symmetric key (at least 32 characters) the caller's identity provider signs with.</summary>
    public string? SigningKey { get; set; }

    /// <summary>An OpenID Connect authority whose discovery document names the issuer and signing keys.</summary>
    public string? Authority { get; set; }

    /// <summary>The claim listing the projects a token's holder may use: a JSON array, or one space-separated string.</summary>
    public string ProjectsClaim { get; set; } = "projects";

    public bool IsConfigured => !string.IsNullOrEmpty(SigningKey) || !string.IsNullOrEmpty(Authority);
}

/// <summary>How upload tokens (one upload delegated to a browser or device) are signed: <c>Auth:UploadTokens:*</c>.</summary>
public sealed class UploadTokenOptions
{
    /// <summary>
    /// Signing keys, newest first: the first signs new tokens, every one verifies, so a key is rotated by putting the new
    /// one in front and dropping the old one once its tokens have expired. Each at least 32 characters. A standalone
    /// gateway without any generates one and keeps it in its state directory; every gateway of a cluster must share them.
    /// </summary>
    public List<string> SigningKeys { get; set; } = [];

    /// <summary>
    /// The longest a token lives. It also dies with its upload: an expired or cancelled upload answers 410 to everyone.
    /// Long enough for a slow upload of many GB with pauses; a finished video stays downloadable with it until then.
    /// </summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(24);
}
