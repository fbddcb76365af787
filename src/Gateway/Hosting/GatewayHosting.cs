using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Gateway.Bodies;
using Orleans.Uploads.Gateway.Health;
using Orleans.Uploads.Gateway.Ietf;
using Orleans.Uploads.Gateway.Limits;
using Orleans.Uploads.Gateway.Problems;
using Orleans.Uploads.Gateway.Telemetry;
using Orleans.Uploads.Gateway.Proxies;
using Orleans.Uploads.Gateway.Tus;
using Orleans.Uploads.Gateway.Uploads;
using Orleans.Uploads.Gateway.Videos;
using Orleans.Uploads.Hosting.Configuration;

namespace Orleans.Uploads.Gateway.Hosting;

/// <summary>The gateway's HTTP side: its services and options, and the middleware and endpoints in front of the grains.</summary>
public static class GatewayHosting
{
    /// <summary>The CORS policy of browser pages; the progress WebSocket checks its Origin against the same list.</summary>
    public const string CorsPolicy = "browsers";

    /// <summary>
    /// How long a browser may reuse a preflight answer (Access-Control-Max-Age). Each chunk URL is its own preflight
    /// target; without this a browser asks again every few seconds (Chrome's default is 5 s). Browsers cap it (Chrome at 2 h).
    /// </summary>
    public static readonly TimeSpan CorsPreflightMaxAge = TimeSpan.FromHours(1);

    /// <summary>The HTTP side: JSON conventions, problem details, rate limits, CORS, health checks.</summary>
    public static WebApplicationBuilder AddUploadGateway(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<GatewayOptions, GatewayOptionsValidator>(builder.Configuration.GetSection(GatewayOptions.SectionName));

        // Bodies are streamed and bounded per endpoint (a chunk by its layout, a form post by MaxFileSize).
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);

        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        });
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            // Framework-made problems (unknown route, wrong method) get a stable code too.
            var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
            context.ProblemDetails.Extensions.TryAdd("code", JsonNamingPolicy.SnakeCaseLower.ConvertName(
                Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status).Replace(" ", "", StringComparison.Ordinal)));
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.AddUploadAccess();
        services.AddSingleton<UploadLayoutCache>();
        services.AddSingleton(provider =>
        {
            var gateway = provider.GetRequiredService<IOptions<GatewayOptions>>().Value;
            return new BodyBuffers(gateway.BodyBufferBytes, gateway.BodyBufferWaitSeconds > 0 ? TimeSpan.FromSeconds(gateway.BodyBufferWaitSeconds) : null);
        });

        // Bodies are read only while there is budget for them, so this rate guards every byte a body waits for.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<GatewayOptions>>((kestrel, gateway) =>
            kestrel.Limits.MinRequestBodyDataRate = gateway.Value.MinBodyBytesPerSecond > 0
                ? new MinDataRate(gateway.Value.MinBodyBytesPerSecond, TimeSpan.FromSeconds(gateway.Value.BodyRateGraceSeconds))
                : null);
        services.AddUploadHealthChecks();
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<GatewayOptions>>((cors, gateway) => cors.AddPolicy(CorsPolicy, policy => policy
            .WithOrigins(gateway.Value.AllowedOrigins)
            .AllowAnyMethod()
            .WithHeaders([.. TusProtocol.RequestHeaders, .. IetfProtocol.RequestHeaders, UploadEndpoints.ChunkHashHeader, HeaderNames.Authorization, AccessSchemes.UploadTokenHeader])
            .WithExposedHeaders([.. TusProtocol.ResponseHeaders, .. IetfProtocol.ResponseHeaders, AccessSchemes.UploadTokenResponseHeader, HeaderNames.ContentRange, HeaderNames.AcceptRanges, HeaderNames.RetryAfter])
            .SetPreflightMaxAge(CorsPreflightMaxAge)));
        services.AddCallerRateLimits();
        services.AddIetfUploads();
        services.AddTrustedProxies();
        builder.AddGatewayTelemetry();
        return builder;
    }

    public static WebApplication MapUploadGateway(this WebApplication app)
    {
        app.UseTrustedProxies();
        app.UseRequestLog();
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // tus clients behind proxies that only pass GET and POST send X-HTTP-Method-Override; it must act before routing.
        app.UseHttpMethodOverride();

        // The page is public and served before routing, so neither authentication nor the fallback policy sees it.
        app.UseUploadPage();
        app.UseRouting();
        app.UseCors(CorsPolicy);
        app.UseUploadAccess();
        app.UseRateLimiter();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.MapUploadEndpoints();
        app.MapVideoEndpoints();
        app.MapTusEndpoints();
        app.MapIetfEndpoints();
        app.MapUploadHealth();
        app.MapGatewayTelemetry();
        return app;
    }
}
