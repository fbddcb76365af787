using Microsoft.AspNetCore.Authorization;
using Orleans.Uploads.Gateway.Hosting;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Uploads.Hosting;
using Orleans.Uploads.Hosting.Configuration;

namespace Orleans.Uploads.Gateway.Access;

/// <summary>
/// Access control's wiring: the <c>Auth</c> section, the authentication schemes, the policies, and the start-up decision
/// whether the gateway may run open. Which caller may use which upload is decided per route (see <see cref="UploadAccess"/>).
/// </summary>
public static partial class AccessHosting
{
    public static WebApplicationBuilder AddUploadAccess(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<LoggerFilterOptions>().PostConfigure(QuietLogging.Apply);

        var auth = services.AddValidatedOptionsNow<AuthOptions, AuthOptionsValidator>(builder.Configuration.GetSection(AuthOptions.SectionName));
        var cluster = builder.Configuration.GetSection(ClusterOptions.SectionName).Get<ClusterOptions>() ?? new ClusterOptions();
        var inCluster = cluster.Mode == GatewayMode.Client || cluster.Clustering == ClusteringKind.Postgres;
        var mode = DecideMode(auth, inCluster, ListeningAddresses.Of(builder.Configuration)) with
        {
            AllowedOrigins = builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>()?.AllowedOrigins ?? [],
        };
        services.AddSingleton(mode);

        var signingKeys = auth.UploadTokens.SigningKeys.Count > 0 ? auth.UploadTokens.SigningKeys
            : inCluster ? throw new StartupFailureException(
                "Auth:UploadTokens:SigningKeys is required in cluster mode: every gateway must sign and verify upload tokens with the same keys.")
            : [SigningKeyFile.LoadOrCreate(builder.Configuration.GetSection(UploadOptions.SectionName).Get<UploadOptions>()?.StateDirectory ?? new UploadOptions().StateDirectory)];
        services.AddSingleton(provider => new UploadTokens(signingKeys, auth.UploadTokens.Lifetime, provider.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton(new ApiKeyRing(auth.ApiKeys));
        services.AddSingleton<UploadAccess>();

        var authentication = services.AddAuthentication(AccessSchemes.Request)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, CallerAuthenticationHandler>(AccessSchemes.Request, null)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(AccessSchemes.ApiKey, null)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, UploadTokenAuthenticationHandler>(AccessSchemes.UploadToken, null);
        if (auth.Jwt.IsConfigured)
        {
            authentication.AddJwtBearer(AccessSchemes.Jwt, bearer => JwtCallers.Configure(bearer, auth.Jwt));
        }

        // Every route needs someone: a new route is protected unless it says otherwise.
        var someone = new AuthorizationPolicyBuilder(AccessSchemes.Request).RequireAuthenticatedUser().Build();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(someone)
            .SetDefaultPolicy(someone)
            .AddPolicy(AccessSchemes.CallersOnly, policy => policy.AddAuthenticationSchemes(AccessSchemes.Request).RequireClaim(Caller.CallerClaim))
            .AddPolicy(AccessSchemes.Operators, policy => policy.AddAuthenticationSchemes(AccessSchemes.Request).RequireClaim(Caller.CallerClaim).RequireClaim(Caller.ProjectClaim, Caller.AllProjects));
        return builder;
    }

    /// <summary>Authentication and authorization in the pipeline, and the one start-up line saying how callers are checked.</summary>
    public static WebApplication UseUploadAccess(this WebApplication app)
    {
        var mode = app.Services.GetRequiredService<AccessMode>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AccessHosting).FullName!);
        if (mode.Open && mode.OpenToEveryAddress)
        {
            LogOpenToEveryone(logger);
        }
        else if (mode.Open)
        {
            LogOpenOnLoopback(logger);
        }
        else
        {
            LogCallers(logger, app.Services.GetRequiredService<ApiKeyRing>().Count, mode.JwtConfigured ? "and JWT bearer tokens" : "and no JWT");
        }

        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>Open only with no caller configured, and then only on loopback and outside a cluster, unless asked for explicitly.</summary>
    private static AccessMode DecideMode(AuthOptions auth, bool inCluster, IReadOnlyList<string> urls)
    {
        if (auth.HasCallers)
        {
            return new AccessMode(Open: false, OpenToEveryAddress: false, auth.Jwt.IsConfigured);
        }

        if (auth.AllowAnonymous)
        {
            return new AccessMode(Open: true, OpenToEveryAddress: true, JwtConfigured: false);
        }

        var exposed = urls.FirstOrDefault(url => !ListeningAddresses.IsLoopback(url));
        if (inCluster || exposed is not null)
        {
            var where = inCluster ? "runs in cluster mode" : $"would listen on {exposed}, beyond loopback";
            throw new StartupFailureException(
                $"no callers are configured (Auth:ApiKeys, Auth:Jwt) and the gateway {where}. Configure an API key, or set Auth:AllowAnonymous=true to run without access control on purpose.");
        }

        return new AccessMode(Open: true, OpenToEveryAddress: false, JwtConfigured: false);
    }

    [LoggerMessage(LogLevel.Warning, "Access control is off: no API keys or JWT are configured and the gateway listens on loopback only, so every request from this machine may use every project. Configure Auth:ApiKeys before exposing it.")]
    private static partial void LogOpenOnLoopback(ILogger logger);

    [LoggerMessage(LogLevel.Warning, "Access control is off (Auth:AllowAnonymous=true): every request, from any address, may use every project.")]
    private static partial void LogOpenToEveryone(ILogger logger);

    [LoggerMessage(LogLevel.Information, "Access control is on: {KeyCount} API key(s) {Jwt}; upload tokens accepted.")]
    private static partial void LogCallers(ILogger logger, int keyCount, string jwt);
}
