using Orleans.Uploads.Gateway.Tests.Support;

namespace Orleans.Uploads.Gateway.Tests.Tus;

/// <summary>A gateway of its own for one scenario whose statistics must count exactly what it did.</summary>
public sealed class TusStatisticsGatewayFixture : GatewayFixture;

/// <summary>A gateway that allows one browser origin, <see cref="AllowedOrigin"/>.</summary>
public sealed class CorsGatewayFixture : GatewayFixture
{
    public const string AllowedOrigin = "https://app.example";

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings() => [new("Gateway:AllowedOrigins:0", AllowedOrigin)];
}
