using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Orleans.Uploads.Gateway.Hosting;
using Orleans.Uploads.Harness;
using Orleans.Uploads.Hosting;
using Orleans.Uploads.Hosting.Configuration;

namespace Orleans.Uploads.Gateway.Tests.Scanning;

/// <summary>The <c>Scanning</c> section is checked when the gateway (with its silo) starts: a bad value stops it, naming the setting.</summary>
public sealed class ScanningOptionsTests
{
    [Theory]
    [InlineData("Scanning:Mode", "Sophos", "Scanning:Mode must be None, ClamAv or Webhook (got 'Sophos').")]
    [InlineData("Scanning:MaxAttempts", "0", "Scanning:MaxAttempts must be between 1 and 1000 (got 0).")]
    [InlineData("Scanning:ClamAv:Port", "70000", "Scanning:ClamAv:Port must be between 1 and 65535 (got 70000).")]
    [InlineData("Scanning:Webhook:Url", "ftp://scanner.example", "Scanning:Webhook:Url must be an absolute http or https URL.")]
    [InlineData("Scanning:Webhook:Secret", "short", "Scanning:Webhook:Secret must be set, at least 16 characters.")]
    public async Task A_bad_scanning_setting_stops_the_gateway_with_the_setting_named(string setting, string value, string expected)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["Cluster:SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Configuration["Cluster:GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var directory = new TempDirectory("scanning-options");
        builder.Configuration["Uploads:TempDirectory"] = directory.Combine("temp");
        builder.Configuration["Uploads:FinalDirectory"] = directory.Combine("final");
        builder.Configuration["Uploads:StateDirectory"] = directory.Combine("state");

        // A valid set-up of the mode each setting belongs to, then the one bad value.
        builder.Configuration["Scanning:Mode"] = setting.StartsWith("Scanning:Webhook", StringComparison.Ordinal) ? "Webhook" : "ClamAv";
        builder.Configuration["Scanning:Webhook:Url"] = "http://127.0.0.1:9/scan";
        builder.Configuration["Scanning:Webhook:Secret"] = "a-secret-of-enough-length";
        builder.Configuration[setting] = value;
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddUploadsCluster();
        builder.AddUploadGateway();
        await using var app = builder.Build();

        // As Program does: every start-up validation before the host starts.
        var failure = Assert.ThrowsAny<Exception>(() => app.ValidateOptions());

        Assert.True(StartupFailure.TryDescribe(failure, out var reason), failure.ToString());
        Assert.Equal(expected, reason);
    }
}
