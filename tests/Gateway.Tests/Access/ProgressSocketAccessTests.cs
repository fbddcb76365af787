// Why this exists: a browser cannot set headers on a WebSocket, so the progress socket takes the upload token in the
// query string; it still needs a credential, and a page from an origin that is not allowed is refused even with one.

using Orleans.Uploads.Gateway.Access;

namespace Orleans.Uploads.Gateway.Tests.Access;

public sealed class ProgressSocketAccessTests(AccessOriginGatewayFixture gateway) : IClassFixture<AccessOriginGatewayFixture>
{
    [Fact]
    public async Task Socket_with_the_token_in_the_query_receives_status_updates()
    {
        using var owner = new Owner(gateway);
        var upload = await owner.StartChunkedAsync(Owner.NewFile(), chunksStored: 0);

        using var socket = await ConnectAsync(upload.Id, $"?{AccessSchemes.AccessTokenQuery}={Uri.EscapeDataString(upload.Token)}", AccessOriginGatewayFixture.AllowedOrigin);

        var first = await ProgressMessages.ReceiveAsync(socket);
        Assert.Equal("status_update", first.GetProperty("type").GetString());
        Assert.Equal(0, first.GetProperty("data").GetProperty("completedChunks").GetInt32());
        await owner.PutChunkAsync(upload, 0);
        var update = await ProgressMessages.ReceiveAsync(socket);
        Assert.Equal(1, update.GetProperty("data").GetProperty("completedChunks").GetInt32());
    }

    [Fact]
    public async Task Socket_without_a_credential_is_refused_with_401()
    {
        using var owner = new Owner(gateway);
        var upload = await owner.StartChunkedAsync(Owner.NewFile(), chunksStored: 0);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ConnectAsync(upload.Id, "", AccessOriginGatewayFixture.AllowedOrigin));

        Assert.Contains("status code: 401", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Socket_with_a_forged_token_in_the_query_is_refused_with_401()
    {
        using var owner = new Owner(gateway);
        var upload = await owner.StartChunkedAsync(Owner.NewFile(), chunksStored: 0);
        var forged = new UploadTokens([Harness.AccessKeys.NewSecret()], TimeSpan.FromHours(1), TimeProvider.System).Issue(upload.Id, AccessGatewayFixture.OwnerProject);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ConnectAsync(upload.Id, $"?{AccessSchemes.AccessTokenQuery}={forged}", AccessOriginGatewayFixture.AllowedOrigin));

        Assert.Contains("status code: 401", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Socket_from_an_origin_that_is_not_allowed_is_refused_with_403_even_with_the_token()
    {
        using var owner = new Owner(gateway);
        var upload = await owner.StartChunkedAsync(Owner.NewFile(), chunksStored: 0);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(
            () => ConnectAsync(upload.Id, $"?{AccessSchemes.AccessTokenQuery}={upload.Token}", "https://evil.access-tests.example"));

        Assert.Contains("status code: 403", refused.Message, StringComparison.Ordinal);

        // The same socket without an Origin (not a browser) is let in: it was the origin that was refused.
        using var socket = await ConnectAsync(upload.Id, $"?{AccessSchemes.AccessTokenQuery}={upload.Token}", origin: null);
        Assert.Equal("status_update", (await ProgressMessages.ReceiveAsync(socket)).GetProperty("type").GetString());
    }

    private Task<System.Net.WebSockets.WebSocket> ConnectAsync(Guid uploadId, string query, string? origin)
    {
        var client = gateway.CreateWebSocketClient();
        client.ConfigureRequest = request =>
        {
            if (origin is not null)
            {
                request.Headers.Origin = origin;
            }
        };

        return client.ConnectAsync(new Uri(gateway.Client.BaseAddress!, $"/api/uploads/{uploadId}/ws{query}"), CancellationToken.None);
    }
}
