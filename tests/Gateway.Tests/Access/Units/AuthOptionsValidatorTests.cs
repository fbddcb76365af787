// Why this exists: the Auth section is checked at start-up, one rule at a time; each rule must catch its mistake, name
// the setting, and never repeat a secret's value (start-up failures end up in logs).

using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Access.Units;

public sealed class AuthOptionsValidatorTests
{
    private static readonly string Secret = "S3CRET" + AccessKeys.NewSecret();

    public static TheoryData<string, string> Mistakes => new()
    {
        { "key without name", "Auth:ApiKeys:0:Name is required" },
        { "two keys with one name", "Auth:ApiKeys:1:Name 'ci' is used by two keys" },
        { "short key", "Auth:ApiKeys:0:Key must be at least 32 characters" },
        { "key with a dot", "Auth:ApiKeys:0:Key must be at least 32 characters without spaces or dots" },
        { "key with a space", "Auth:ApiKeys:0:Key must be at least 32 characters without spaces or dots" },
        { "two keys with one secret", "Auth:ApiKeys:1:Key is the same as another key's" },
        { "key without projects", "Auth:ApiKeys:0:Projects must list at least one project" },
        { "key with a bad project", "Auth:ApiKeys:0:Projects has 'no spaces allowed'" },
        { "jwt issuer without a key", "Auth:Jwt needs SigningKey or Authority" },
        { "jwt without audience", "Auth:Jwt:Audience is required" },
        { "short jwt signing key", "Auth:Jwt:SigningKey must be at least 32 characters" },
        { "jwt signing key without issuer", "Auth:Jwt:Issuer is required with Auth:Jwt:SigningKey" },
        { "relative jwt authority", "Auth:Jwt:Authority must be an absolute URL" },
        { "jwt authority without scheme", "Auth:Jwt:Authority must be an absolute URL" },
        { "empty projects claim", "Auth:Jwt:ProjectsClaim must name a claim" },
        { "short token signing key", "Auth:UploadTokens:SigningKeys:1 must be at least 32 characters" },
        { "zero token lifetime", "Auth:UploadTokens:Lifetime must be positive" },
        { "jwt key shared with upload tokens", "Auth:Jwt must differ from the upload tokens" },
        { "jwt audience of upload tokens", "Auth:Jwt must differ from the upload tokens" },
    };

    [Fact]
    public void Complete_configuration_is_valid()
    {
        var result = new AuthOptionsValidator().Validate(null, Valid());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void No_configuration_at_all_is_valid()
    {
        Assert.True(new AuthOptionsValidator().Validate(null, new AuthOptions()).Succeeded);
    }

    [Fact]
    public void Jwt_from_an_authority_alone_is_valid()
    {
        var options = new AuthOptions { Jwt = new JwtOptions { Authority = "https://login.example/realms/uploads", Audience = "uploads" } };

        Assert.True(new AuthOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Each_mistake_is_named_without_its_secret(string mistake, string named)
    {
        var options = Valid();
        var secrets = Break(options, mistake);

        var result = new AuthOptionsValidator().Validate(null, options);

        Assert.True(result.Failed, mistake);
        Assert.Contains(named, result.FailureMessage, StringComparison.Ordinal);
        Assert.Single(result.Failures!);
        foreach (var secret in secrets.Append(Secret))
        {
            Assert.DoesNotContain(secret, result.FailureMessage, StringComparison.Ordinal);
        }
    }

    /// <summary>Every rule checked in one pass: all failures reported together, none quoting a secret.</summary>
    [Fact]
    public void Every_failure_is_reported_at_once()
    {
        var options = Valid();
        var secrets = Mistakes.Select(row => (string)row[0]).Where(m => m is "short key" or "short jwt signing key" or "zero token lifetime").SelectMany(m => Break(options, m)).ToList();

        var result = new AuthOptionsValidator().Validate(null, options);

        Assert.Equal(3, result.Failures!.Count());
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, result.FailureMessage, StringComparison.Ordinal));
    }

    private static AuthOptions Valid() => new()
    {
        ApiKeys =
        [
            new ApiKeyOptions { Name = "ci", Key = Secret, Projects = ["p-one", "p-two"] },
            new ApiKeyOptions { Name = "admin", Key = "ADMIN" + AccessKeys.NewSecret(), Projects = [Caller.AllProjects] },
        ],
        Jwt = new JwtOptions { Issuer = "https://issuer.example", Audience = "uploads", SigningKey = "JWTKEY" + AccessKeys.NewSecret() },
        UploadTokens = new UploadTokenOptions { SigningKeys = ["TOKENKEY" + AccessKeys.NewSecret(), "OLDTOKENKEY" + AccessKeys.NewSecret()], Lifetime = TimeSpan.FromHours(2) },
    };

    /// <summary>Makes one mistake in <paramref name="options"/>; returns the secrets it involves (which must not be echoed).</summary>
    private static string[] Break(AuthOptions options, string mistake)
    {
        var secret = "LEAK" + Convert.ToHexString(Guid.NewGuid().ToByteArray())[..12];
        switch (mistake)
        {
            case "key without name": options.ApiKeys[0].Name = " "; return [options.ApiKeys[0].Key];
            case "two keys with one name": options.ApiKeys[1].Name = "ci"; return [options.ApiKeys[1].Key];
            case "short key": options.ApiKeys[0].Key = secret; return [secret];
            case "key with a dot": options.ApiKeys[0].Key = secret + ".x" + AccessKeys.NewSecret(); return [options.ApiKeys[0].Key, secret];
            case "key with a space": options.ApiKeys[0].Key = secret + " x" + AccessKeys.NewSecret(); return [options.ApiKeys[0].Key, secret];
            case "two keys with one secret": options.ApiKeys[1].Key = options.ApiKeys[0].Key; return [options.ApiKeys[0].Key];
            case "key without projects": options.ApiKeys[0].Projects = []; return [options.ApiKeys[0].Key];
            case "key with a bad project": options.ApiKeys[0].Projects = ["no spaces allowed"]; return [options.ApiKeys[0].Key];
            case "jwt issuer without a key": options.Jwt.SigningKey = null; return [];
            case "jwt without audience": options.Jwt.Audience = null; return [options.Jwt.SigningKey!];
            case "short jwt signing key": options.Jwt.SigningKey = secret; return [secret];
            case "jwt signing key without issuer": options.Jwt.Issuer = null; return [options.Jwt.SigningKey!];
            case "relative jwt authority": options.Jwt.Authority = "/realms/uploads"; return [options.Jwt.SigningKey!];
            case "jwt authority without scheme": options.Jwt.Authority = "issuer.example/realms/uploads"; return [options.Jwt.SigningKey!];
            case "empty projects claim": options.Jwt.ProjectsClaim = " "; return [options.Jwt.SigningKey!];
            case "short token signing key": options.UploadTokens.SigningKeys[1] = secret; return [secret];
            case "zero token lifetime": options.UploadTokens.Lifetime = TimeSpan.Zero; return [.. options.UploadTokens.SigningKeys];
            case "jwt key shared with upload tokens": options.Jwt.SigningKey = options.UploadTokens.SigningKeys[1]; return [.. options.UploadTokens.SigningKeys];
            case "jwt audience of upload tokens": options.Jwt.Audience = UploadTokens.Audience; return [options.Jwt.SigningKey!];
            default: throw new ArgumentOutOfRangeException(nameof(mistake), mistake, null);
        }
    }
}
