using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Orleans.Uploads.Gateway.Access;

/// <summary>The upload token scheme: <c>X-Upload-Token</c> (or <c>?access_token=</c> where allowed) verified by <see cref="UploadTokens"/>.</summary>
public sealed class UploadTokenAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, UploadTokens tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (RequestCredentials.UploadToken(Context) is not { } token)
        {
            return AuthenticateResult.NoResult();
        }

        return await tokens.ValidateAsync(token) is { } identity
            ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name))
            : AuthenticateResult.Fail("the upload token is invalid or expired");
    }
}
