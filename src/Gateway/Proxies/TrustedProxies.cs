using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using Orleans.Uploads.Gateway.Hosting;

namespace Orleans.Uploads.Gateway.Proxies;

/// <summary>
/// The client's real address behind a load balancer. nginx (deploy/nginx.conf) connects to the gateways itself, so
/// without this every request would come from the balancer's one address: per-address limits would throttle all clients
/// together and logs would show no client. <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed only from
/// the proxies named in <c>Gateway:KnownProxies</c> (addresses) and <c>Gateway:KnownNetworks</c> (CIDR ranges); from
/// anyone else they are ignored, so a client cannot pick its own address. With neither set nothing is forwarded.
/// A chain of trusted proxies (a CDN, then nginx) is walked back to the first address that is not one of them.
/// </summary>
public static class TrustedProxies
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<GatewayOptions>>((forwarded, gateway) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.ForwardLimit = null;

            // The framework trusts loopback by default; here only what the operator names is trusted.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in gateway.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in gateway.Value.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return services;
    }

    /// <summary>First in the pipeline, so everything after it (access, limits, logs) sees the real client.</summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        var gateway = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        if (gateway.KnownProxies.Length > 0 || gateway.KnownNetworks.Length > 0)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }

    /// <summary>Why <paramref name="value"/> is not a proxy address, or null when it is one.</summary>
    public static string? ProxyProblem(string value) =>
        IPAddress.TryParse(value, out _) ? null : $"'{value}' is not an IP address";

    /// <summary>Why <paramref name="value"/> is not a network in CIDR notation, or null when it is one.</summary>
    public static string? NetworkProblem(string value) =>
        System.Net.IPNetwork.TryParse(value, out _) ? null : $"'{value}' is not a network in CIDR notation (such as 10.0.0.0/8)";
}
