// Why this exists: the key ring is the whole of API-key authentication: a presented key is either exactly one configured
// key (and then names its holder and projects) or nothing, whatever it resembles.

using System.Security.Claims;
using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Access.Units;

public sealed class ApiKeyRingTests
{
    private static readonly ApiKeyOptions Ci = new() { Name = "ci", Key = AccessKeys.NewSecret(), Projects = ["p-one", "p-two"] };
    private static readonly ApiKeyOptions Admin = new() { Name = "admin", Key = AccessKeys.NewSecret(), Projects = [Caller.AllProjects] };
    private readonly ApiKeyRing _ring = new([Ci, Admin]);

    [Fact]
    public void Finds_each_key_with_its_holder_and_projects()
    {
        var ci = _ring.Find(Ci.Key);
        var admin = _ring.Find(Admin.Key);

        Assert.NotNull(ci);
        Assert.Equal("ci", ci.Name);
        Assert.Equal("ci", ci.FindFirst(Caller.CallerClaim)?.Value);
        Assert.Equal(["p-one", "p-two"], ci.FindAll(Caller.ProjectClaim).Select(claim => claim.Value));
        Assert.Equal(AccessSchemes.ApiKey, ci.AuthenticationType);
        Assert.NotNull(admin);
        Assert.Equal([Caller.AllProjects], admin.FindAll(Caller.ProjectClaim).Select(claim => claim.Value));
        Assert.Equal(2, _ring.Count);
    }

    [Fact]
    public void Anything_but_an_exact_key_is_not_found()
    {
        var caseFlipped = new string([.. Ci.Key.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c))]);
        foreach (var presented in new[] { "", Ci.Key[..^1], Ci.Key + "x", caseFlipped, " " + Ci.Key, AccessKeys.NewSecret() })
        {
            Assert.Null(_ring.Find(presented));
        }

        Assert.Null(new ApiKeyRing([]).Find(Ci.Key));
    }

    [Fact]
    public void A_found_identity_is_a_copy_that_cannot_change_the_key()
    {
        var first = _ring.Find(Ci.Key)!;
        first.AddClaim(new Claim(Caller.ProjectClaim, Caller.AllProjects));

        var second = _ring.Find(Ci.Key)!;

        Assert.DoesNotContain(Caller.AllProjects, second.FindAll(Caller.ProjectClaim).Select(claim => claim.Value));
    }
}
