namespace Orleans.Uploads.Gateway.Access;

/// <summary>
/// Log categories held at Warning whatever the configuration says. ASP.NET Core's request lines print the URL with its
/// query, and <c>?access_token=</c> is an upload token: a secret, so they are never logged. The authentication handlers
/// log every refused credential at Information: anyone could flood the log with them.
/// </summary>
public static class QuietLogging
{
    private static readonly string[] Categories =
    [
        "Microsoft.AspNetCore.Hosting.Diagnostics",
        typeof(CallerAuthenticationHandler).FullName!,
        typeof(ApiKeyAuthenticationHandler).FullName!,
        typeof(UploadTokenAuthenticationHandler).FullName!,
        "Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerHandler",
    ];

    /// <summary>
    /// Adds the Warning rules after the configuration's, once per provider the configuration names as well as for all:
    /// a provider's own rule (<c>Logging:Console:LogLevel:...</c>) is chosen before any rule for every provider, so a
    /// rule for every provider alone would lose to it.
    /// </summary>
    public static void Apply(LoggerFilterOptions options)
    {
        var providers = options.Rules.Select(rule => rule.ProviderName).Append(null).Distinct().ToList();
        foreach (var provider in providers)
        {
            foreach (var category in Categories)
            {
                options.Rules.Add(new LoggerFilterRule(provider, category, LogLevel.Warning, filter: null));
            }
        }
    }
}
