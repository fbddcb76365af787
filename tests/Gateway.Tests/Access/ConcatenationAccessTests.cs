// Why this exists: a tus final upload folds its parts' bytes into a new video of the caller's project; naming someone
// else's partial upload must read exactly as naming an upload that does not exist, and must not use the part up.

using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Gateway.Tests.Tus;

namespace Orleans.Uploads.Gateway.Tests.Access;

public sealed class ConcatenationAccessTests(AccessGatewayFixture gateway) : IClassFixture<AccessGatewayFixture>
{
    [Fact]
    public async Task Someone_elses_partial_upload_is_an_unknown_part_and_stays_usable_by_its_owner()
    {
        using var owner = new Owner(gateway);
        var ownersPart = await owner.StartTusAsync(TestData.RandomBytes(3000, seed: 7201), 3000, partial: true);
        using var intruderClient = gateway.ClientWithBearer(gateway.OtherKey);
        var intruder = new TusClient(intruderClient);
        var intrudersBytes = TestData.RandomBytes(2000, seed: 7202);
        var intrudersPart = await CreatePartAsync(intruder, intrudersBytes);

        using var refused = await CreateFinalAsync(intruder, AccessGatewayFixture.OtherProject, intrudersPart, ownersPart.Id);
        var unknownPart = Guid.NewGuid();
        using var adminClient = gateway.ClientWithBearer(gateway.AdminKey);
        using var unknown = await CreateFinalAsync(new TusClient(adminClient), AccessGatewayFixture.OtherProject, intrudersPart, unknownPart);

        var problem = await HttpAssert.ProblemAsync(refused, HttpStatusCode.BadRequest, "invalid_request");
        var unknownProblem = await HttpAssert.ProblemAsync(unknown, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal($"upload {ownersPart.Id:N} cannot be concatenated: it is not a partial upload", problem.GetProperty("detail").GetString());
        Assert.Equal(
            unknownProblem.GetProperty("detail").GetString()!.Replace(unknownPart.ToString("N"), ownersPart.Id.ToString("N"), StringComparison.Ordinal),
            problem.GetProperty("detail").GetString());
        Assert.Null(refused.Headers.Location);

        // Nothing was used up: the intruder's own part still makes a video of its own, and the owner's one of the owner's.
        using (var alone = await CreateFinalAsync(intruder, AccessGatewayFixture.OtherProject, intrudersPart))
        {
            await TusClient.AssertCreatedAsync(alone);
        }

        using var owners = await CreateFinalAsync(owner.Tus, AccessGatewayFixture.OwnerProject, ownersPart.Id);
        await owner.AssertStoredAsync(await TusClient.AssertCreatedAsync(owners), ownersPart.Sha256);
    }

    [Fact]
    public async Task A_parts_own_token_opens_it_for_concatenation_into_a_project_the_caller_may_use()
    {
        // Two credentials together: the part's own token opens the part, the other key names a project it may use.
        using var owner = new Owner(gateway);
        var ownersPart = await owner.StartTusAsync(TestData.RandomBytes(3000, seed: 7203), 3000, partial: true);
        using var client = gateway.ClientWithBearer(gateway.OtherKey);
        client.DefaultRequestHeaders.Add(Gateway.Access.AccessSchemes.UploadTokenHeader, ownersPart.Token);

        using var created = await CreateFinalAsync(new TusClient(client), AccessGatewayFixture.OtherProject, ownersPart.Id);

        // The token is the owner's delegation of this one upload: whoever holds it may use it, here as a part.
        var final = await TusClient.AssertCreatedAsync(created);
        using var download = await client.GetAsync(new Uri($"/api/videos/{final}/content", UriKind.Relative));
        await HttpAssert.StatusAsync(download, HttpStatusCode.OK);
        Assert.Equal(ownersPart.Sha256, TestData.Sha256Hex(await download.Content.ReadAsByteArrayAsync()));
    }

    private static async Task<Guid> CreatePartAsync(TusClient tus, byte[] bytes)
    {
        using var created = await tus.CreateAsync(
            ("Upload-Concat", "partial"),
            ("Upload-Length", bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Upload-Metadata", TusClient.Metadata(("projectId", AccessGatewayFixture.OtherProject))));
        var id = await TusClient.AssertCreatedAsync(created);
        await tus.PatchOkAsync(id, 0, bytes);
        return id;
    }

    /// <summary>A final upload of <paramref name="parts"/> in <paramref name="project"/>.</summary>
    private static Task<HttpResponseMessage> CreateFinalAsync(TusClient tus, string project, params Guid[] parts) =>
        tus.CreateAsync(
            ("Upload-Concat", "final;" + string.Join(' ', parts.Select(TusClient.PathOf))),
            ("Upload-Metadata", TusClient.Metadata(("filename", "joined.mp4"), ("projectId", project))));
}
