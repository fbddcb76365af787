using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Orleans.Uploads.Gateway.Access;

/// <summary>
/// JWT bearer callers (Microsoft.AspNetCore.Authentication.JwtBearer): the token's issuer, audience, lifetime and signature
/// are checked against <c>Auth:Jwt</c>, and its projects claim becomes the caller's projects.
/// </summary>
public static class JwtCallers
{
    public static void Configure(JwtBearerOptions bearer, JwtOptions jwt)
    {
        bearer.MapInboundClaims = false;
        bearer.Authority = string.IsNullOrEmpty(jwt.Authority) ? null : jwt.Authority;

        // JwtBearer refuses a plain-http authority at the first request (a 500 per request); the operator chose it.
        bearer.RequireHttpsMetadata = bearer.Authority is null || bearer.Authority.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        bearer.Audience = jwt.Audience;
        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = string.IsNullOrEmpty(jwt.Issuer) ? null : jwt.Issuer,
            ValidAudience = jwt.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            RequireExpirationTime = true,
            IssuerSigningKey = string.IsNullOrEmpty(jwt.SigningKey) ? null : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(jwt.SigningKey)),
            NameClaimType = "sub",
            ClockSkew = TimeSpan.FromSeconds(30),
        };
        bearer.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                if (context.Principal?.Identity is ClaimsIdentity identity)
                {
                    AddProjects(identity, jwt.ProjectsClaim);
                }

                return Task.CompletedTask;
            },
        };
    }

    /// <summary>The projects claim, a JSON array (one claim per entry) or a space-separated string, as the caller's projects (<c>*</c>: every project, as for API keys).</summary>
    private static void AddProjects(ClaimsIdentity identity, string projectsClaim)
    {
        // Claims are taken as the token names them: one it names like ours would otherwise grant itself projects or uploads.
        foreach (var forged in identity.Claims.Where(claim => claim.Type.StartsWith("uploads:", StringComparison.Ordinal)).ToList())
        {
            identity.RemoveClaim(forged);
        }

        var projects = identity.FindAll(projectsClaim)
            .SelectMany(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        identity.AddClaim(new Claim(Caller.CallerClaim, identity.Name ?? "jwt"));
        identity.AddClaims(projects.Select(project => new Claim(Caller.ProjectClaim, project)));
    }
}
