using Microsoft.Extensions.Options;
using Orleans.Uploads.Gateway.Uploads;

namespace Orleans.Uploads.Gateway.Access;

/// <summary>Checks the <c>Auth</c> section at start-up. Failures name the setting, never a secret's value.</summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public const int MinimumSecretLength = 32;

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        ValidateApiKeys(options.ApiKeys, failures);
        ValidateJwt(options.Jwt, failures);
        if (options.Jwt.IsConfigured
            && (options.UploadTokens.SigningKeys.Contains(options.Jwt.SigningKey ?? "", StringComparer.Ordinal)
                || options.Jwt.Issuer == UploadTokens.Issuer || options.Jwt.Audience == UploadTokens.Audience))
        {
            // Otherwise an upload token could pass as a caller's JWT.
            failures.Add($"Auth:Jwt must differ from the upload tokens: another signing key than Auth:UploadTokens:SigningKeys, and neither issuer '{UploadTokens.Issuer}' nor audience '{UploadTokens.Audience}'.");
        }

        for (var i = 0; i < options.UploadTokens.SigningKeys.Count; i++)
        {
            if (options.UploadTokens.SigningKeys[i] is not { Length: >= MinimumSecretLength })
            {
                failures.Add($"Auth:UploadTokens:SigningKeys:{i} must be at least {MinimumSecretLength} characters (for example the output of 'openssl rand -base64 32').");
            }
        }

        if (options.UploadTokens.Lifetime <= TimeSpan.Zero)
        {
            failures.Add("Auth:UploadTokens:Lifetime must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateApiKeys(List<ApiKeyOptions> keys, List<string> failures)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            var at = $"Auth:ApiKeys:{i}";
            if (string.IsNullOrWhiteSpace(key.Name))
            {
                failures.Add($"{at}:Name is required (it names the key's holder in logs).");
            }
            else if (!names.Add(key.Name))
            {
                failures.Add($"{at}:Name '{key.Name}' is used by two keys.");
            }

            if (key.Key.Length < MinimumSecretLength || key.Key.Any(c => char.IsWhiteSpace(c) || c == '.'))
            {
                // A dot would make the key look like a JWT; whitespace cannot travel in a header.
                failures.Add($"{at}:Key must be at least {MinimumSecretLength} characters without spaces or dots (for example the output of 'openssl rand -base64 32').");
            }
            else if (!secrets.Add(key.Key))
            {
                failures.Add($"{at}:Key is the same as another key's.");
            }

            if (key.Projects.Count == 0)
            {
                failures.Add($"{at}:Projects must list at least one project ('*' for every project).");
            }

            foreach (var project in key.Projects.Where(p => p != Caller.AllProjects && !RequestRules.IsValidProjectId(p)))
            {
                failures.Add($"{at}:Projects has '{project}', which is neither '*' nor a project id (1-{RequestRules.MaxProjectIdLength} letters, digits, '-', '_' or '.').");
            }
        }
    }

    private static void ValidateJwt(JwtOptions jwt, List<string> failures)
    {
        if (!jwt.IsConfigured)
        {
            if (!string.IsNullOrEmpty(jwt.Issuer) || !string.IsNullOrEmpty(jwt.Audience))
            {
                failures.Add("Auth:Jwt needs SigningKey or Authority to verify tokens with.");
            }

            return;
        }

        if (string.IsNullOrEmpty(jwt.Audience))
        {
            failures.Add("Auth:Jwt:Audience is required: a token must be meant for this service.");
        }

        if (!string.IsNullOrEmpty(jwt.SigningKey))
        {
            if (jwt.SigningKey.Length < MinimumSecretLength)
            {
                failures.Add($"Auth:Jwt:SigningKey must be at least {MinimumSecretLength} characters.");
            }

            if (string.IsNullOrEmpty(jwt.Issuer))
            {
                failures.Add("Auth:Jwt:Issuer is required with Auth:Jwt:SigningKey.");
            }
        }

        // On Unix "/path" parses as an absolute file: URI; an authority is only ever an http(s) URL.
        if (!string.IsNullOrEmpty(jwt.Authority)
            && !(Uri.TryCreate(jwt.Authority, UriKind.Absolute, out var authority) && (authority.Scheme == Uri.UriSchemeHttps || authority.Scheme == Uri.UriSchemeHttp)))
        {
            failures.Add("Auth:Jwt:Authority must be an absolute URL.");
        }

        if (string.IsNullOrWhiteSpace(jwt.ProjectsClaim))
        {
            failures.Add("Auth:Jwt:ProjectsClaim must name a claim.");
        }
    }
}
