// Why this exists: an upload token is the only thing a browser holds; it must open its one upload while it lives and
// nothing once it was altered, signed with a key the gateway does not have, or expired, and rotation must keep the
// tokens of the older key working.

using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Access.Units;

public sealed class UploadTokensTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private readonly string _current = AccessKeys.NewSecret();
    private readonly string _older = AccessKeys.NewSecret();
    private readonly Guid _upload = Guid.NewGuid();

    [Fact]
    public async Task Valid_token_opens_its_upload_only()
    {
        var tokens = Tokens(_current);

        var identity = await tokens.ValidateAsync(tokens.Issue(_upload, "p-one"));

        Assert.NotNull(identity);
        Assert.Equal([_upload.ToString("N")], identity.FindAll(Caller.UploadClaim).Select(claim => claim.Value));
        Assert.Empty(identity.FindAll(Caller.ProjectClaim));
        Assert.Empty(identity.FindAll(Caller.CallerClaim));
        Assert.Equal(AccessSchemes.UploadToken, identity.AuthenticationType);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Altered_token_is_refused(int part)
    {
        var tokens = Tokens(_current);
        var pieces = tokens.Issue(_upload, "p-one").Split('.');

        // Flip one character in the middle of the header, the payload or the signature.
        var piece = pieces[part].ToCharArray();
        piece[piece.Length / 2] = piece[piece.Length / 2] == 'A' ? 'B' : 'A';
        pieces[part] = new string(piece);

        Assert.Null(await tokens.ValidateAsync(string.Join('.', pieces)));
    }

    [Fact]
    public async Task Token_of_another_upload_cannot_be_rewritten_to_this_one()
    {
        var tokens = Tokens(_current);
        var pieces = tokens.Issue(Guid.NewGuid(), "p-one").Split('.');
        var forgedPayload = Base64Url($$"""{"upload":"{{_upload:N}}","project":"p-one","iss":"{{UploadTokens.Issuer}}","aud":"{{UploadTokens.Audience}}","exp":{{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}}}""");

        Assert.Null(await tokens.ValidateAsync($"{pieces[0]}.{forgedPayload}.{pieces[2]}"));
        Assert.Null(await tokens.ValidateAsync($"{pieces[0]}.{forgedPayload}."));
    }

    [Fact]
    public async Task Token_signed_with_another_key_is_refused()
    {
        Assert.Null(await Tokens(_current).ValidateAsync(Tokens(AccessKeys.NewSecret()).Issue(_upload, "p-one")));
    }

    [Fact]
    public async Task Expired_token_is_refused()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-3));
        var token = Tokens(clock, _current).Issue(_upload, "p-one");

        Assert.Null(await Tokens(_current).ValidateAsync(token));
    }

    [Fact]
    public async Task Token_expires_by_the_gateways_clock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var tokens = Tokens(clock, _current);
        var token = tokens.Issue(_upload, "p-one");
        Assert.NotNull(await tokens.ValidateAsync(token));

        clock.Advance(Lifetime + TimeSpan.FromMinutes(1));

        Assert.Null(await tokens.ValidateAsync(token));
    }

    [Fact]
    public async Task Token_issued_by_a_clock_ahead_is_not_valid_yet()
    {
        var ahead = Tokens(new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(10)), _current).Issue(_upload, "p-one");

        Assert.Null(await Tokens(_current).ValidateAsync(ahead));
    }

    [Fact]
    public async Task Token_without_an_expiry_is_refused()
    {
        var forever = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = UploadTokens.Issuer,
            Audience = UploadTokens.Audience,
            Claims = new Dictionary<string, object> { ["upload"] = _upload.ToString("N"), ["project"] = "p-one" },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(_current)), SecurityAlgorithms.HmacSha256),
        });

        Assert.Null(await Tokens(_current).ValidateAsync(forever));
    }

    [Fact]
    public async Task Rotation_verifies_with_every_key_and_signs_with_the_first()
    {
        var rotated = Tokens(_current, _older);
        var fromOlder = Tokens(_older).Issue(_upload, "p-one");
        var fromRotated = rotated.Issue(_upload, "p-one");

        Assert.NotNull(await rotated.ValidateAsync(fromOlder));
        Assert.NotNull(await rotated.ValidateAsync(fromRotated));
        Assert.NotNull(await Tokens(_current).ValidateAsync(fromRotated));
        Assert.Null(await Tokens(_older).ValidateAsync(fromRotated));

        // Once the older key is dropped, its tokens stop working.
        Assert.Null(await Tokens(_current).ValidateAsync(fromOlder));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("a.b.c")]
    public async Task Garbage_is_refused(string token)
    {
        Assert.Null(await Tokens(_current).ValidateAsync(token));
    }

    [Fact]
    public void Needs_a_signing_key()
    {
        Assert.Throws<ArgumentException>(() => new UploadTokens([], Lifetime, TimeProvider.System));
    }

    private static UploadTokens Tokens(params string[] keys) => Tokens(TimeProvider.System, keys);

    private static UploadTokens Tokens(TimeProvider clock, params string[] keys) => new(keys, Lifetime, clock);

    private static string Base64Url(string json) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
