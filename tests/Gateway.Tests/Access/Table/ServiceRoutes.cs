// Why this exists: the routes about the whole service (statistics, detailed health) as rows of the access table: any
// caller may read them, an upload token alone may not.

using System.Net;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Access.Table;

/// <summary><c>GET /api/uploads/statistics</c>.</summary>
public sealed class StatisticsRoute : ProtectedRoute
{
    public override string Name => "seed statistics";

    public override RouteRule Rule => RouteRule.ServiceWide;

    public override HttpStatusCode Success => HttpStatusCode.OK;

    public override Task<OwnedUpload> ArrangeAsync(Owner owner) => owner.StartChunkedAsync(Owner.NewFile());

    public override async Task<Answer> SendAsync(Probe probe)
    {
        using var response = await new UploadsApiClient(probe.Client).SendStatisticsAsync();
        return await Answer.ReadAsync(response);
    }

    public override Task AssertDoneAsync(Owner owner, OwnedUpload target, Answer answer)
    {
        Assert.True(answer.Json.GetProperty("totalUploads").GetInt64() >= 1, answer.Body);
        return Task.CompletedTask;
    }
}

/// <summary><c>GET /health</c>, the detailed report.</summary>
public sealed class HealthRoute : ProtectedRoute
{
    public override string Name => "health";

    public override RouteRule Rule => RouteRule.ServiceWide;

    public override HttpStatusCode Success => HttpStatusCode.OK;

    public override Task<OwnedUpload> ArrangeAsync(Owner owner) => owner.StartChunkedAsync(Owner.NewFile());

    public override async Task<Answer> SendAsync(Probe probe)
    {
        using var response = await new UploadsApiClient(probe.Client).SendHealthAsync();
        return await Answer.ReadAsync(response);
    }

    public override Task AssertDoneAsync(Owner owner, OwnedUpload target, Answer answer)
    {
        Assert.Equal("healthy", answer.Json.GetProperty("status").GetString());
        Assert.True(answer.Json.GetProperty("checks").TryGetProperty("cluster", out _), answer.Body);
        return Task.CompletedTask;
    }
}
