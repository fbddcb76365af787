// Why this exists: upload tokens are signed by the gateway's own keys; a rotation keeps tokens signed with the older key
// working, a key that is not configured signs nothing the gateway accepts, and a token is never mistaken for a caller.

using System.Net;
using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Access;

public sealed class UploadTokenTests(AccessGatewayFixture gateway) : IClassFixture<AccessGatewayFixture>
{
    [Fact]
    public async Task Token_signed_with_the_older_configured_key_still_opens_its_upload()
    {
        using var owner = new Owner(gateway);
        var upload = await owner.StartChunkedAsync(Owner.NewFile());
        var token = Sign(gateway.OlderSigningKey, upload.Id);

        using var client = gateway.ClientWithUploadToken(token);
        var status = await new UploadsApiClient(client).GetStatusOkAsync(upload.Id);

        Assert.Equal(upload.Id, status.GetProperty("uploadId").GetGuid());
    }

    [Fact]
    public async Task Token_signed_with_a_key_that_is_not_configured_is_invalid_credentials()
    {
        using var owner = new Owner(gateway);
        var upload = await owner.StartChunkedAsync(Owner.NewFile());

        using var client = gateway.ClientWithUploadToken(Sign(AccessKeys.NewSecret(), upload.Id));
        using var response = await new UploadsApiClient(client).SendStatusAsync(upload.Id);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.StartsWith($"Bearer realm=\"{CallerAuthenticationHandler.Realm}\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_signs_new_tokens_with_the_first_configured_key()
    {
        using var owner = new Owner(gateway);
        var upload = await owner.StartChunkedAsync(Owner.NewFile());

        Assert.NotNull(await new UploadTokens([gateway.SigningKey], TimeSpan.FromHours(1), TimeProvider.System).ValidateAsync(upload.Token));
        Assert.Null(await new UploadTokens([gateway.OlderSigningKey], TimeSpan.FromHours(1), TimeProvider.System).ValidateAsync(upload.Token));
    }

    [Fact]
    public async Task Token_sent_as_a_bearer_is_not_a_caller()
    {
        using var owner = new Owner(gateway);
        var upload = await owner.StartChunkedAsync(Owner.NewFile());

        using var client = gateway.ClientWithBearer(upload.Token);
        using var response = await new UploadsApiClient(client).SendStatusAsync(upload.Id);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task Caller_jwt_sent_as_an_upload_token_is_not_one()
    {
        using var owner = new Owner(gateway);
        var upload = await owner.StartChunkedAsync(Owner.NewFile());

        using var client = gateway.ClientWithUploadToken(CallerJwts.Mint(gateway, new[] { AccessGatewayFixture.OwnerProject }));
        using var response = await new UploadsApiClient(client).SendStatusAsync(upload.Id);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task A_bad_token_fails_the_request_even_beside_a_good_key()
    {
        using var owner = new Owner(gateway);
        var upload = await owner.StartChunkedAsync(Owner.NewFile());

        using var client = gateway.ClientWithBearer(gateway.OwnerKey);
        client.DefaultRequestHeaders.Add(AccessSchemes.UploadTokenHeader, Sign(AccessKeys.NewSecret(), upload.Id));
        using var response = await new UploadsApiClient(client).SendStatusAsync(upload.Id);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    private static string Sign(string key, Guid uploadId) =>
        new UploadTokens([key], TimeSpan.FromHours(1), TimeProvider.System).Issue(uploadId, AccessGatewayFixture.OwnerProject);
}
