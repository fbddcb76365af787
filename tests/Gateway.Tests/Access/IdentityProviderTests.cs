// Why this exists: a JWT that cannot be checked because the identity provider is unreachable is the service's problem,
// not the caller's: a 503 to retry, never a 500 and never a 401 that tells a valid caller its token is bad.

using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Access;

public sealed class IdentityProviderTests(UnreachableAuthorityGatewayFixture gateway) : IClassFixture<UnreachableAuthorityGatewayFixture>
{
    [Fact]
    public async Task Jwt_with_an_unreachable_authority_is_503_identity_provider_unavailable()
    {
        using var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln");

        using var response = await new UploadsApiClient(client).SendInitiateAsync(new InitiateRequest("jwt.mp4", 1000));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.ServiceUnavailable, "identity_provider_unavailable");
        Assert.NotNull(response.Headers.RetryAfter);
    }
}

/// <summary>JWT callers from an authority on a loopback port where nothing listens (plain http, as a local identity provider would be).</summary>
public sealed class UnreachableAuthorityGatewayFixture : GatewayFixture
{
    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings() =>
    [
        new("Auth:Jwt:Authority", $"http://127.0.0.1:{FreePort.Next()}/realms/uploads"),
        new("Auth:Jwt:Audience", "uploads"),
    ];
}
