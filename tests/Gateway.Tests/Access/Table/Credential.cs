// Why this exists: the access table crosses every route with the same seven credentials; this is what each one is, and
// the headers a request (or a WebSocket handshake) carries for it.

using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Net.Http.Headers;
using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Access.Table;

/// <summary>Who knocks: nobody, a stranger, another project, the project, or holders of upload tokens good and bad.</summary>
public enum Credential
{
    /// <summary>No Authorization and no upload token.</summary>
    None,

    /// <summary>A well-formed API key no one configured.</summary>
    WrongKey,

    /// <summary>A valid key for <see cref="AccessGatewayFixture.OtherProject"/>.</summary>
    OtherProjectKey,

    /// <summary>A valid key for <see cref="AccessGatewayFixture.OwnerProject"/>.</summary>
    ProjectKey,

    /// <summary>The token the upload's creation handed out.</summary>
    OwnToken,

    /// <summary>A valid token of another upload of the same project.</summary>
    OtherUploadToken,

    /// <summary>A token for this very upload, properly signed, expired two hours ago.</summary>
    ExpiredToken,
}

/// <summary>The request headers that present a credential.</summary>
public sealed record PresentedCredential(IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public static PresentedCredential Of(AccessGatewayFixture gateway, Credential credential, OwnedUpload target, string otherUploadToken) => credential switch
    {
        Credential.None => new([]),
        Credential.WrongKey => Bearer(AccessKeys.NewSecret()),
        Credential.OtherProjectKey => Bearer(gateway.OtherKey),
        Credential.ProjectKey => Bearer(gateway.OwnerKey),
        Credential.OwnToken => UploadToken(target.Token),
        Credential.OtherUploadToken => UploadToken(otherUploadToken),
        Credential.ExpiredToken => UploadToken(ExpiredTokenFor(gateway, target.Id)),
        _ => throw new ArgumentOutOfRangeException(nameof(credential), credential, null),
    };

    /// <summary>Signed with the gateway's own signing key, issued three hours ago for one hour.</summary>
    public static string ExpiredTokenFor(AccessGatewayFixture gateway, Guid uploadId) =>
        new UploadTokens([gateway.SigningKey], TimeSpan.FromHours(1), new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-3)))
            .Issue(uploadId, AccessGatewayFixture.OwnerProject);

    public static PresentedCredential Bearer(string bearer) => new([new(HeaderNames.Authorization, "Bearer " + bearer)]);

    public static PresentedCredential UploadToken(string token) => new([new(AccessSchemes.UploadTokenHeader, token)]);

    /// <summary>A new client of <paramref name="gateway"/> that sends these headers on every request.</summary>
    public HttpClient CreateClient(AccessGatewayFixture gateway)
    {
        var client = gateway.CreateClient();
        foreach (var (name, value) in Headers)
        {
            if (name == HeaderNames.Authorization)
            {
                client.DefaultRequestHeaders.Authorization = AuthenticationHeaderValue.Parse(value);
            }
            else
            {
                client.DefaultRequestHeaders.Add(name, value);
            }
        }

        return client;
    }
}
