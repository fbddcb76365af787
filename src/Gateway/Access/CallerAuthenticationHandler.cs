using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Orleans.Uploads.Gateway.Problems;

namespace Orleans.Uploads.Gateway.Access;

/// <summary>
/// The default scheme. A request may carry a bearer (API key or JWT) and an upload token; each one present is checked by
/// its own scheme and a bad one fails the whole request (401 <c>invalid_credentials</c>): a wrong credential is refused,
/// never ignored, open mode included. With none, an open gateway's local caller is the developer allowed every project;
/// anyone else is anonymous, and protected routes answer 401 <c>authentication_required</c>.
/// </summary>
public sealed class CallerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AccessMode mode, IOptionsMonitor<JwtBearerOptions> jwtOptions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Realm = "orleans-uploads";
    private const string DeveloperName = "local-developer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var identities = new List<ClaimsIdentity>();
        if (RequestCredentials.HasAuthorization(Request))
        {
            if (RequestCredentials.Bearer(Request) is not { } bearer)
            {
                return AuthenticateResult.Fail("the Authorization header must be 'Bearer <API key or JWT>'");
            }

            var scheme = mode.JwtConfigured && RequestCredentials.LooksLikeJwt(bearer) ? AccessSchemes.Jwt : AccessSchemes.ApiKey;
            AuthenticateResult result;
            try
            {
                result = await Context.AuthenticateAsync(scheme);
            }
            catch (Exception ex) when (scheme == AccessSchemes.Jwt && ex is not OperationCanceledException)
            {
                // JwtBearer rethrows what is not the token's fault, such as an authority it cannot reach: not the caller's 401.
                throw new IdentityProviderUnavailableException(ex);
            }

            if (scheme == AccessSchemes.Jwt && result.Failure is { } failure)
            {
                await ThrowIfIdentityProviderUnavailableAsync(failure);
            }

            if (!result.Succeeded)
            {
                return AuthenticateResult.Fail("the bearer credential is not valid");
            }

            identities.AddRange(result.Principal.Identities);
        }

        if (RequestCredentials.UploadToken(Context) is not null)
        {
            var result = await Context.AuthenticateAsync(AccessSchemes.UploadToken);
            if (!result.Succeeded)
            {
                return AuthenticateResult.Fail("the upload token is not valid");
            }

            identities.AddRange(result.Principal.Identities);
        }

        if (identities.Count == 0)
        {
            if (!mode.ActsAsDeveloper(Context))
            {
                return AuthenticateResult.NoResult();
            }

            identities.Add(new ClaimsIdentity(
                [new Claim(ClaimTypes.Name, DeveloperName), new Claim(Caller.CallerClaim, DeveloperName), new Claim(Caller.ProjectClaim, Caller.AllProjects)],
                Scheme.Name));
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identities), Scheme.Name));
    }

    /// <summary>
    /// A JWT refused for a reason that is not the token's: an authority whose keys cannot be fetched leaves JwtBearer
    /// with no keys, which it reports as a token signed by an unknown key. Asking for the keys once more tells the two apart.
    /// </summary>
    private async Task ThrowIfIdentityProviderUnavailableAsync(Exception failure)
    {
        if (failure is not SecurityTokenException)
        {
            throw new IdentityProviderUnavailableException(failure);
        }

        if (failure is SecurityTokenSignatureKeyNotFoundException && jwtOptions.Get(AccessSchemes.Jwt).ConfigurationManager is { } authority)
        {
            try
            {
                await authority.GetConfigurationAsync(Context.RequestAborted);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new IdentityProviderUnavailableException(ex);
            }
        }
    }

    /// <summary>401: <c>invalid_credentials</c> when a credential was refused, else <c>authentication_required</c>.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        if (result.Failure is not null)
        {
            Response.Headers.WWWAuthenticate = $"Bearer realm=\"{Realm}\", error=\"invalid_token\"";
            await Problem.Create(StatusCodes.Status401Unauthorized, "invalid_credentials", "the credential is unknown, malformed or expired").ExecuteAsync(Context);
            return;
        }

        Response.Headers.WWWAuthenticate = $"Bearer realm=\"{Realm}\"";
        await Problem.Create(
            StatusCodes.Status401Unauthorized,
            "authentication_required",
            $"send 'Authorization: Bearer <API key or JWT>', or this upload's token as {AccessSchemes.UploadTokenHeader}").ExecuteAsync(Context);
    }

    /// <summary>
    /// 403 from the policies that forbid: a route about the whole service asked with nothing but upload tokens, or an
    /// operators' route (<see cref="AccessSchemes.Operators"/>) asked by a caller limited to some projects.
    /// </summary>
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        (Caller.Of(Context).IsCaller
            ? Problem.Create(StatusCodes.Status403Forbidden, "operator_credential_required", "this route needs a credential allowed every project (projects [\"*\"])")
            : Problem.Create(StatusCodes.Status403Forbidden, "caller_credential_required", "an upload token opens its own upload only; this route needs an API key or JWT"))
            .ExecuteAsync(Context);
}
