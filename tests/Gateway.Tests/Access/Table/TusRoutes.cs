// Why this exists: the tus routes (/files/) as rows of the access table: creation, HEAD, PATCH, DELETE, download, and
// concatenation of the owner's partial uploads.

using System.Globalization;
using System.Net;
using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Gateway.Tests.Tus;

namespace Orleans.Uploads.Gateway.Tests.Access.Table;

/// <summary>The bytes of a tus upload the owner has started: the first <see cref="Sent"/> are on the server.</summary>
internal static class TusScene
{
    public const int Sent = 1000;

    public static Task<HttpResponseMessage> SendAsync(Probe probe, HttpMethod method, HttpContent? content = null, params (string Name, string? Value)[] headers) =>
        new TusClient(probe.Client).SendAsync(method, TusClient.PathOf(probe.Target.Id), content, headers);
}

/// <summary><c>POST /files/</c> in the owner's project.</summary>
public sealed class TusCreateRoute : ProtectedRoute
{
    public override string Name => "tus create";

    public override RouteRule Rule => RouteRule.NamesProject;

    public override HttpStatusCode Success => HttpStatusCode.Created;

    public override Task<OwnedUpload> ArrangeAsync(Owner owner) => owner.StartTusAsync(Owner.NewFile(), TusScene.Sent);

    public override async Task<Answer> SendAsync(Probe probe)
    {
        using var response = await new TusClient(probe.Client).CreateAsync(
            ("Upload-Length", "1000"), ("Upload-Metadata", TusClient.Metadata(("filename", "intruder.mp4"), ("projectId", AccessGatewayFixture.OwnerProject))));
        return await Answer.ReadAsync(response);
    }

    public override async Task AssertDoneAsync(Owner owner, OwnedUpload target, Answer answer)
    {
        Assert.False(string.IsNullOrEmpty(answer.Header(AccessSchemes.UploadTokenResponseHeader)));
        var created = Guid.ParseExact(answer.Header("Location")!.Split('/')[^1], "N");
        Assert.Equal(AccessGatewayFixture.OwnerProject, (await owner.Api.GetStatusOkAsync(created)).GetProperty("projectId").GetString());
    }
}

/// <summary><c>HEAD /files/{id}</c> (which, when allowed, takes the upload over from any running PATCH).</summary>
public sealed class TusHeadRoute : ProtectedRoute
{
    public override string Name => "tus HEAD";

    public override RouteRule Rule => RouteRule.PerUpload;

    public override HttpStatusCode Success => HttpStatusCode.OK;

    public override bool HasBody => false;

    public override Task<OwnedUpload> ArrangeAsync(Owner owner) => owner.StartTusAsync(Owner.NewFile(), TusScene.Sent);

    public override async Task<Answer> SendAsync(Probe probe)
    {
        using var response = await TusScene.SendAsync(probe, HttpMethod.Head);
        return await Answer.ReadAsync(response);
    }

    public override Task AssertDoneAsync(Owner owner, OwnedUpload target, Answer answer)
    {
        Assert.Equal(TusScene.Sent.ToString(CultureInfo.InvariantCulture), answer.Header("Upload-Offset"));
        return Task.CompletedTask;
    }
}

/// <summary><c>PATCH /files/{id}</c> at the current offset: the rest of the owner's file when allowed, garbage otherwise.</summary>
public sealed class TusPatchRoute : ProtectedRoute
{
    public override string Name => "tus PATCH";

    public override RouteRule Rule => RouteRule.PerUpload;

    public override HttpStatusCode Success => HttpStatusCode.NoContent;

    public override Task<OwnedUpload> ArrangeAsync(Owner owner) => owner.StartTusAsync(Owner.NewFile(), TusScene.Sent);

    public override async Task<Answer> SendAsync(Probe probe)
    {
        var rest = probe.Target.File[TusScene.Sent..];
        var bytes = probe.ExpectAllowed ? rest : TestData.RandomBytes(rest.Length, seed: 667);
        using var response = await TusScene.SendAsync(probe, HttpMethod.Patch, TusClient.Body(bytes), ("Upload-Offset", TusScene.Sent.ToString(CultureInfo.InvariantCulture)));
        return await Answer.ReadAsync(response);
    }

    public override Task AssertDoneAsync(Owner owner, OwnedUpload target, Answer answer)
    {
        Assert.Equal(target.File.Length.ToString(CultureInfo.InvariantCulture), answer.Header("Upload-Offset"));
        return Task.CompletedTask;
    }

    public override async Task AssertOwnerDataAsync(Owner owner, OwnedUpload target, bool allowed)
    {
        Assert.Equal(allowed ? target.File.Length : TusScene.Sent, await owner.Tus.OffsetAsync(target.Id));
        await owner.FinishAndVerifyAsync(target);
    }
}

/// <summary><c>DELETE /files/{id}</c> (tus termination).</summary>
public sealed class TusDeleteRoute : ProtectedRoute
{
    public override string Name => "tus DELETE";

    public override RouteRule Rule => RouteRule.PerUpload;

    public override HttpStatusCode Success => HttpStatusCode.NoContent;

    public override Task<OwnedUpload> ArrangeAsync(Owner owner) => owner.StartTusAsync(Owner.NewFile(), TusScene.Sent);

    public override async Task<Answer> SendAsync(Probe probe)
    {
        using var response = await TusScene.SendAsync(probe, HttpMethod.Delete);
        return await Answer.ReadAsync(response);
    }

    public override async Task AssertDoneAsync(Owner owner, OwnedUpload target, Answer answer) =>
        Assert.Equal("cancelled", (await owner.Api.GetStatusOkAsync(target.Id)).GetProperty("status").GetString());

    public override async Task AssertOwnerDataAsync(Owner owner, OwnedUpload target, bool allowed)
    {
        if (allowed)
        {
            using var head = await owner.Tus.HeadAsync(target.Id);
            Assert.True(head.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone, $"HEAD after termination answered {(int)head.StatusCode}");
            return;
        }

        await owner.FinishAndVerifyAsync(target);
    }
}

/// <summary><c>GET /files/{id}</c> of the owner's finished tus upload.</summary>
public sealed class TusDownloadRoute : ProtectedRoute
{
    public override string Name => "tus GET download";

    public override RouteRule Rule => RouteRule.PerUpload;

    public override HttpStatusCode Success => HttpStatusCode.OK;

    public override string NotFoundCode => "video_not_found";

    public override async Task<OwnedUpload> ArrangeAsync(Owner owner)
    {
        var file = Owner.NewFile();
        return await owner.StartTusAsync(file, file.Length);
    }

    public override async Task<Answer> SendAsync(Probe probe)
    {
        using var response = await probe.Client.GetAsync(new Uri(TusClient.PathOf(probe.Target.Id), UriKind.Relative));
        return await Answer.ReadAsync(response);
    }

    public override Task AssertDoneAsync(Owner owner, OwnedUpload target, Answer answer)
    {
        Assert.Equal(target.Sha256, TestData.Sha256Hex(answer.Content));
        return Task.CompletedTask;
    }
}

/// <summary>
/// <c>POST /files/</c> with <c>Upload-Concat: final;</c> the owner's two finished partial uploads, in a project the caller
/// may use (its own for the other project's key): only someone allowed to see the parts may fold them into a video.
/// </summary>
public sealed class TusConcatenationRoute : ProtectedRoute
{
    public override string Name => "tus concatenation";

    public override RouteRule Rule => RouteRule.Concatenation;

    public override HttpStatusCode Success => HttpStatusCode.Created;

    public override async Task<OwnedUpload> ArrangeAsync(Owner owner)
    {
        var file = Owner.NewFile();
        var first = await owner.StartTusAsync(file[..5000], 5000, partial: true);
        var second = await owner.StartTusAsync(file[5000..], file.Length - 5000, partial: true);
        return first with { File = file, Parts = [first.Id, second.Id] };
    }

    public override async Task<Answer> SendAsync(Probe probe)
    {
        var project = probe.Credential == Credential.OtherProjectKey ? AccessGatewayFixture.OtherProject : AccessGatewayFixture.OwnerProject;
        using var response = await CreateFinalAsync(new TusClient(probe.Client), probe.Target, project);
        return await Answer.ReadAsync(response);
    }

    public override async Task AssertDoneAsync(Owner owner, OwnedUpload target, Answer answer) =>
        await owner.AssertStoredAsync(Guid.ParseExact(answer.Header("Location")!.Split('/')[^1], "N"), target.Sha256);

    /// <summary>A part the caller may not see is, to it, an unknown upload: the same 400 an id no upload has gets.</summary>
    public override void AssertRefusal(Probe probe, Answer answer)
    {
        if (answer.Status == HttpStatusCode.BadRequest)
        {
            Assert.Equal($"upload {probe.Target.Parts[0]:N} cannot be concatenated: it is not a partial upload", answer.Detail);
        }
    }

    public override async Task AssertOwnerDataAsync(Owner owner, OwnedUpload target, bool allowed)
    {
        if (allowed)
        {
            return;
        }

        // The parts were not consumed: their owner still makes the video of them.
        using var created = await CreateFinalAsync(owner.Tus, target, AccessGatewayFixture.OwnerProject);
        await owner.AssertStoredAsync(await TusClient.AssertCreatedAsync(created), target.Sha256);
    }

    public static Task<HttpResponseMessage> CreateFinalAsync(TusClient tus, OwnedUpload parts, string project) =>
        tus.CreateAsync(
            ("Upload-Concat", "final;" + string.Join(' ', parts.Parts.Select(TusClient.PathOf))),
            ("Upload-Metadata", TusClient.Metadata(("filename", "joined.mp4"), ("projectId", project))));
}
