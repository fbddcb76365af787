using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Orleans.Uploads.Gateway.Hosting;
using Orleans.Uploads.Hosting;

namespace Orleans.Uploads.Gateway.Tests.Hosting;

/// <summary>The <c>Gateway</c> section is checked when the gateway starts: a bad value stops it with a message naming the setting.</summary>
public sealed class GatewayOptionsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task A_budget_below_one_megabyte_stops_the_gateway_with_the_setting_named(int megabytes)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["Gateway:BodyBufferMegabytes"] = megabytes.ToString(CultureInfo.InvariantCulture);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddUploadGateway();
        // The limits read the options as the services are built, so the refusal may come from Build or from Start.
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = builder.Build();
            await app.StartAsync();
        });

        Assert.True(StartupFailure.TryDescribe(failure, out var reason), failure.ToString());
        Assert.Equal($"Gateway:BodyBufferMegabytes must be at least 1 (got {megabytes}).", reason);
    }

    [Theory]
    [InlineData("Gateway:KnownProxies:0", "nginx", "Gateway:KnownProxies:0 must be an IP address: 'nginx' is not an IP address.")]
    [InlineData("Gateway:KnownNetworks:0", "10.0.0.0", "Gateway:KnownNetworks:0 must be a network: '10.0.0.0' is not a network in CIDR notation (such as 10.0.0.0/8).")]
    public async Task A_trusted_proxy_that_is_not_an_address_stops_the_gateway_with_the_setting_named(string setting, string value, string expected)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration[setting] = value;
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddUploadGateway();
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = builder.Build();
            await app.StartAsync();
        });

        Assert.True(StartupFailure.TryDescribe(failure, out var reason), failure.ToString());
        Assert.Equal(expected, reason);
    }
}
