// Why this exists: the seed API's routes (/api/uploads) as rows of the access table: how each is called for the owner's
// upload, what its success looks like, and what the owner checks afterwards.

using System.Net;
using System.Text.RegularExpressions;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Access.Table;

/// <summary><c>POST /api/uploads/initiate</c> in the owner's project.</summary>
public sealed class InitiateRoute : ProtectedRoute
{
    public override string Name => "seed initiate";

    public override RouteRule Rule => RouteRule.NamesProject;

    public override HttpStatusCode Success => HttpStatusCode.Created;

    public override Task<OwnedUpload> ArrangeAsync(Owner owner) => owner.StartChunkedAsync(Owner.NewFile());

    public override async Task<Answer> SendAsync(Probe probe)
    {
        using var response = await new UploadsApiClient(probe.Client).SendInitiateAsync(new InitiateRequest("intruder.mp4", 1000, AccessGatewayFixture.OwnerProject));
        return await Answer.ReadAsync(response);
    }

    public override async Task AssertDoneAsync(Owner owner, OwnedUpload target, Answer answer)
    {
        var created = answer.Json.GetProperty("uploadId").GetGuid();
        Assert.False(string.IsNullOrEmpty(Owner.TokenOf(answer.Json)));
        Assert.Equal(AccessGatewayFixture.OwnerProject, (await owner.Api.GetStatusOkAsync(created)).GetProperty("projectId").GetString());
    }
}

/// <summary><c>GET /api/uploads/{id}</c>.</summary>
public sealed class StatusRoute : ProtectedRoute
{
    public override string Name => "seed status";

    public override RouteRule Rule => RouteRule.PerUpload;

    public override HttpStatusCode Success => HttpStatusCode.OK;

    public override Task<OwnedUpload> ArrangeAsync(Owner owner) => owner.StartChunkedAsync(Owner.NewFile());

    public override async Task<Answer> SendAsync(Probe probe)
    {
        using var response = await new UploadsApiClient(probe.Client).SendStatusAsync(probe.Target.Id);
        return await Answer.ReadAsync(response);
    }

    public override Task AssertDoneAsync(Owner owner, OwnedUpload target, Answer answer)
    {
        Assert.Equal(target.Id, answer.Json.GetProperty("uploadId").GetGuid());
        Assert.Equal(1, answer.Json.GetProperty("completedChunks").GetInt32());
        return Task.CompletedTask;
    }
}

/// <summary><c>PUT /api/uploads/{id}/chunks/1</c>: the owner's bytes when allowed, garbage otherwise.</summary>
public sealed class ChunkRoute : ProtectedRoute
{
    public override string Name => "seed chunk PUT";

    public override RouteRule Rule => RouteRule.PerUpload;

    public override HttpStatusCode Success => HttpStatusCode.OK;

    public override Task<OwnedUpload> ArrangeAsync(Owner owner) => owner.StartChunkedAsync(Owner.NewFile());

    public override async Task<Answer> SendAsync(Probe probe)
    {
        var chunk = probe.Target.File.AsMemory(GatewayFixture.ChunkSize, GatewayFixture.ChunkSize).ToArray();
        var bytes = probe.ExpectAllowed ? chunk : TestData.RandomBytes(chunk.Length, seed: 666);
        using var response = await new UploadsApiClient(probe.Client).SendChunkAsync(probe.Target.Id, 1, bytes);
        return await Answer.ReadAsync(response);
    }

    public override Task AssertDoneAsync(Owner owner, OwnedUpload target, Answer answer)
    {
        Assert.Equal(1, answer.Json.GetProperty("chunkNumber").GetInt32());
        Assert.Equal(2, answer.Json.GetProperty("completedChunks").GetInt32());
        return Task.CompletedTask;
    }

    public override async Task AssertOwnerDataAsync(Owner owner, OwnedUpload target, bool allowed)
    {
        var status = await owner.Api.GetStatusOkAsync(target.Id);
        Assert.Equal(allowed ? [2] : [1, 2], HttpAssert.IntArray(status.GetProperty("missingChunks")));
        await owner.FinishAndVerifyAsync(target);
    }
}

/// <summary><c>POST /api/uploads/{id}/complete</c> of an upload whose chunks are all stored.</summary>
public sealed class CompleteRoute : ProtectedRoute
{
    public override string Name => "seed complete";

    public override RouteRule Rule => RouteRule.PerUpload;

    public override HttpStatusCode Success => HttpStatusCode.OK;

    public override Task<OwnedUpload> ArrangeAsync(Owner owner) => owner.StartChunkedAsync(Owner.NewFile(), chunksStored: 3);

    public override async Task<Answer> SendAsync(Probe probe)
    {
        using var response = await new UploadsApiClient(probe.Client).SendCompleteAsync(probe.Target.Id);
        return await Answer.ReadAsync(response);
    }

    public override Task AssertDoneAsync(Owner owner, OwnedUpload target, Answer answer)
    {
        Assert.Equal(target.Id, answer.Json.GetProperty("id").GetGuid());
        Assert.Equal(target.Sha256, answer.Json.GetProperty("fileHash").GetString());
        return Task.CompletedTask;
    }
}

/// <summary><c>DELETE /api/uploads/{id}</c>.</summary>
public sealed class CancelRoute : ProtectedRoute
{
    public override string Name => "seed cancel";

    public override RouteRule Rule => RouteRule.PerUpload;

    public override HttpStatusCode Success => HttpStatusCode.NoContent;

    public override Task<OwnedUpload> ArrangeAsync(Owner owner) => owner.StartChunkedAsync(Owner.NewFile());

    public override async Task<Answer> SendAsync(Probe probe)
    {
        using var response = await new UploadsApiClient(probe.Client).SendCancelAsync(probe.Target.Id);
        return await Answer.ReadAsync(response);
    }

    public override async Task AssertDoneAsync(Owner owner, OwnedUpload target, Answer answer) =>
        Assert.Equal("cancelled", (await owner.Api.GetStatusOkAsync(target.Id)).GetProperty("status").GetString());

    public override async Task AssertOwnerDataAsync(Owner owner, OwnedUpload target, bool allowed)
    {
        if (allowed)
        {
            using var video = await owner.Api.SendVideoAsync(target.Id);
            await HttpAssert.ProblemAsync(video, HttpStatusCode.NotFound, "video_not_found");
            return;
        }

        await owner.FinishAndVerifyAsync(target);
    }
}

/// <summary>
/// <c>GET /api/uploads/{id}/ws</c> through a real WebSocket handshake. A refused handshake tells only its status, so the
/// same request is repeated as a plain GET (refused the same way, before the route runs) to read the problem's code.
/// </summary>
public sealed partial class WebSocketRoute : ProtectedRoute
{
    public override string Name => "seed progress WebSocket";

    public override RouteRule Rule => RouteRule.PerUpload;

    public override HttpStatusCode Success => HttpStatusCode.SwitchingProtocols;

    // A plain GET of an unknown id reaches the route, which asks for a WebSocket first: nothing to compare with.
    public override bool ComparesWithUnknownId => false;

    public override Task<OwnedUpload> ArrangeAsync(Owner owner) => owner.StartChunkedAsync(Owner.NewFile());

    public override async Task<Answer> SendAsync(Probe probe)
    {
        var client = probe.Gateway.CreateWebSocketClient();
        client.ConfigureRequest = request =>
        {
            foreach (var (name, value) in probe.Presented.Headers)
            {
                request.Headers[name] = value;
            }
        };

        int refusedWith;
        try
        {
            using var socket = await client.ConnectAsync(new Uri(probe.Gateway.Client.BaseAddress!, $"/api/uploads/{probe.Target.Id}/ws"), CancellationToken.None);
            var update = await ProgressMessages.ReceiveAsync(socket);
            return new Answer(HttpStatusCode.SwitchingProtocols, System.Text.Encoding.UTF8.GetBytes(update.GetRawText()), "application/json", new Dictionary<string, string>());
        }
        catch (InvalidOperationException refused) when (HandshakeStatus().Match(refused.Message) is { Success: true } match)
        {
            refusedWith = int.Parse(match.Groups["status"].Value, System.Globalization.CultureInfo.InvariantCulture);
        }

        using var plain = await probe.Client.GetAsync(new Uri($"/api/uploads/{probe.Target.Id}/ws", UriKind.Relative));
        var answer = await Answer.ReadAsync(plain);
        Assert.True((int)answer.Status == refusedWith, $"the handshake was refused with {refusedWith}, the same request as plain GET got {answer}");
        return answer;
    }

    public override Task AssertDoneAsync(Owner owner, OwnedUpload target, Answer answer)
    {
        Assert.Equal("status_update", answer.Json.GetProperty("type").GetString());
        Assert.Equal(target.Id, answer.Json.GetProperty("data").GetProperty("uploadId").GetGuid());
        return Task.CompletedTask;
    }

    [GeneratedRegex(@"status code: (?<status>\d{3})")]
    private static partial Regex HandshakeStatus();
}
