// Why this exists: the headline rule of access control as one table, every route x every credential: the answer each
// pair must get (status and code), that allowed calls work, and that refused ones leave the owner's data as it was.

using System.Net;
using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Gateway.Tests.Support;

namespace Orleans.Uploads.Gateway.Tests.Access.Table;

/// <summary>What a (route, credential) pair must get: allowed (the route's success), or refused with this status and code.</summary>
public sealed record Expectation(bool Allowed, HttpStatusCode Status, string? Code)
{
    public static readonly Expectation Allow = new(true, 0, null);

    public static Expectation Refuse(HttpStatusCode status, string code) => new(false, status, code);

    public override string ToString() => Allowed ? "allowed" : $"{(int)Status} {Code}";
}

public static class AccessTable
{
    public static readonly ProtectedRoute[] SeedApiRoutes =
        [new InitiateRoute(), new StatusRoute(), new ChunkRoute(), new CompleteRoute(), new CancelRoute(), new WebSocketRoute(), new StatisticsRoute()];

    public static readonly ProtectedRoute[] TusRoutes =
        [new TusCreateRoute(), new TusHeadRoute(), new TusPatchRoute(), new TusDeleteRoute(), new TusDownloadRoute(), new TusConcatenationRoute()];

    public static readonly ProtectedRoute[] VideoAndServiceRoutes =
        [new VideoRecordRoute(), new VideoContentRoute(), new VideoListingRoute(), new LegacyPostRoute(), new HealthRoute()];

    private static readonly Dictionary<string, ProtectedRoute> ByName =
        SeedApiRoutes.Concat(TusRoutes).Concat(VideoAndServiceRoutes).ToDictionary(route => route.Name);

    /// <summary>One case per (route, credential): xunit shows and runs each pair on its own.</summary>
    public static TheoryData<string, Credential> CasesOf(IEnumerable<ProtectedRoute> routes)
    {
        var cases = new TheoryData<string, Credential>();
        foreach (var route in routes)
        {
            foreach (var credential in Enum.GetValues<Credential>())
            {
                cases.Add(route.Name, credential);
            }
        }

        return cases;
    }

    /// <summary>The rules of access control, as the table reads them.</summary>
    public static Expectation Expect(ProtectedRoute route, Credential credential) => (route.Rule, credential) switch
    {
        (_, Credential.None) => Expectation.Refuse(HttpStatusCode.Unauthorized, "authentication_required"),
        (_, Credential.WrongKey or Credential.ExpiredToken) => Expectation.Refuse(HttpStatusCode.Unauthorized, "invalid_credentials"),
        (RouteRule.PerUpload, Credential.ProjectKey or Credential.OwnToken) => Expectation.Allow,
        (RouteRule.PerUpload, _) => Expectation.Refuse(HttpStatusCode.NotFound, route.NotFoundCode),
        (RouteRule.ServiceWide, Credential.ProjectKey or Credential.OtherProjectKey) => Expectation.Allow,
        (RouteRule.ServiceWide, _) => Expectation.Refuse(HttpStatusCode.Forbidden, "caller_credential_required"),
        (_, Credential.ProjectKey) => Expectation.Allow,
        (RouteRule.Concatenation, Credential.OtherProjectKey) => Expectation.Refuse(HttpStatusCode.BadRequest, "invalid_request"),
        _ => Expectation.Refuse(HttpStatusCode.Forbidden, "project_forbidden"),
    };

    /// <summary>Runs one case: the owner prepares, the credential calls the route, the answer and the owner's data are checked.</summary>
    public static async Task RunAsync(AccessGatewayFixture gateway, string routeName, Credential credential)
    {
        var route = ByName[routeName];
        using var owner = new Owner(gateway);
        var target = await route.ArrangeAsync(owner);
        var another = await owner.StartChunkedAsync(Owner.NewFile(1000), chunksStored: 0);
        var expected = Expect(route, credential);
        var presented = PresentedCredential.Of(gateway, credential, target, another.Token);
        using var client = presented.CreateClient(gateway);
        var probe = new Probe(gateway, credential, presented, client, target, expected.Allowed);

        var answer = await route.SendAsync(probe);

        if (expected.Allowed)
        {
            Assert.True(answer.Status == route.Success, $"{route} as {credential}: expected {(int)route.Success} {route.Success}, got {answer}");
            await route.AssertDoneAsync(owner, target, answer);
        }
        else
        {
            await AssertRefusedAsync(route, probe, answer, expected);
        }

        await route.AssertOwnerDataAsync(owner, target, expected.Allowed);
    }

    private static async Task AssertRefusedAsync(ProtectedRoute route, Probe probe, Answer answer, Expectation expected)
    {
        var what = $"{route} as {probe.Credential}: expected {expected}, got {answer}";
        Assert.True(answer.Status == expected.Status, what);
        if (route.HasBody)
        {
            Assert.True(answer.ContentType == HttpAssert.ProblemContentType, what);
            Assert.True(answer.Code == expected.Code, what);
        }

        if (expected.Status == HttpStatusCode.Unauthorized)
        {
            Assert.StartsWith($"Bearer realm=\"{CallerAuthenticationHandler.Realm}\"", answer.Header("WWW-Authenticate"), StringComparison.Ordinal);
        }

        // A refusal hands out nothing: no new resource, no token.
        Assert.Null(answer.Header("Location"));
        Assert.Null(answer.Header(AccessSchemes.UploadTokenResponseHeader));

        if (expected.Status == HttpStatusCode.NotFound && route.ComparesWithUnknownId)
        {
            // Exactly what an id no upload has gets, asked by a caller allowed everything: ids cannot be probed.
            using var admin = PresentedCredential.Bearer(probe.Gateway.AdminKey).CreateClient(probe.Gateway);
            var unknown = await route.SendAsync(probe with { Client = admin, Target = probe.Target with { Id = Guid.NewGuid() }, ExpectAllowed = false });
            Assert.Equal((unknown.Status, unknown.ContentType, unknown.Code, unknown.Detail), (answer.Status, answer.ContentType, answer.Code, answer.Detail));
        }

        route.AssertRefusal(probe, answer);
    }
}
