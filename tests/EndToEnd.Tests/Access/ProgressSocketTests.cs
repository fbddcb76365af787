// Why this file exists: a browser cannot put headers on a WebSocket, so the progress socket takes the upload token as
// ?access_token= and tells pages apart by their Origin. This checks both on the real process with the real
// ClientWebSocket: the token's holder gets live status_update messages as chunks land and a normal close when the upload
// completes; no credential, another upload's token, or a foreign page is refused at the handshake.

using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.EndToEnd.Tests.Access;

/// <summary>A keyed gateway that lets one browser origin open progress sockets.</summary>
public sealed class OriginRestrictedGatewayFixture : KeyedGatewayFixture
{
    public const string AllowedOrigin = "https://app.example";

    protected override IReadOnlyDictionary<string, string> Environment =>
        new Dictionary<string, string> { ["Gateway__AllowedOrigins__0"] = AllowedOrigin };
}

/// <summary><c>GET /api/uploads/{id}/ws</c> with System.Net.WebSockets.ClientWebSocket against the built gateway.</summary>
public sealed class ProgressSocketTests(OriginRestrictedGatewayFixture gateway) : IClassFixture<OriginRestrictedGatewayFixture>
{
    private const int ChunkSize = 64 * 1024;
    private const int FileSize = (3 * ChunkSize) - 7;
    private static readonly TimeSpan MessageTimeout = TimeSpan.FromSeconds(20);

    private GatewayServer Server => gateway.Server;

    [Fact]
    public async Task With_access_token_the_socket_reports_each_chunk_as_it_lands_and_closes_when_the_upload_completes()
    {
        var upload = await AccessHttp.InitiateAsync(Server.Http, Server, FileSize, "watched.mp4", chunkSize: ChunkSize);
        Assert.Equal(3, upload.TotalChunks);
        using var socket = await ConnectAsync(SocketUri(upload.UploadId, upload.UploadToken));

        // Now: nothing stored yet.
        var first = await ReceiveStatusAsync(socket);
        Assert.Equal(0, first.CompletedChunks);
        Assert.Equal(upload.UploadId, first.UploadId);

        // Each chunk, sent with the token only, shows up on the socket before the next one is sent.
        using var browser = AccessHttp.Client(Server);
        var seen = new List<StatusUpdate> { first };
        for (var chunk = 0; chunk < upload.TotalChunks; chunk++)
        {
            var bytes = new byte[chunk < upload.TotalChunks - 1 ? ChunkSize : FileSize - (chunk * ChunkSize)];
            if (chunk == 0)
            {
                // The upload is an .mp4: its first bytes must say so.
                VideoHeaders.Stamp(bytes);
            }

            using (var stored = await AccessHttp.PutChunkAsync(browser, upload.UploadId, chunk, bytes, upload.UploadToken))
            {
                await AccessHttp.ExpectAsync(stored, HttpStatusCode.OK, $"PUT chunk {chunk}", Server);
            }

            StatusUpdate update;
            do
            {
                update = await ReceiveStatusAsync(socket);
                seen.Add(update);
            }
            while (update.CompletedChunks < chunk + 1);
            Assert.Equal(chunk + 1, update.CompletedChunks);
        }

        // All chunks in: the upload completes (the last status may come after the last chunk's own update).
        while (seen[^1].Status != "completed")
        {
            seen.Add(await ReceiveStatusAsync(socket));
        }

        Assert.All(seen.Take(seen.Count - 1), status => Assert.NotEqual("completed", status.Status));
        Assert.Equal(seen.Select(s => s.CompletedChunks).Order(), seen.Select(s => s.CompletedChunks));

        // After the completed status the server closes the socket, normally.
        var buffer = new byte[4096];
        using var deadline = new CancellationTokenSource(MessageTimeout);
        var closing = await socket.ReceiveAsync(buffer, deadline.Token);
        Assert.Equal(WebSocketMessageType.Close, closing.MessageType);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        Assert.Equal("upload completed", socket.CloseStatusDescription);
    }

    [Fact]
    public async Task Without_credentials_or_with_a_bad_or_foreign_token_the_handshake_is_refused()
    {
        var upload = await AccessHttp.InitiateAsync(Server.Http, Server, 1000, "refused.mp4");
        var other = await AccessHttp.InitiateAsync(Server.Http, Server, 1000, "other.mp4");

        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedHandshakeAsync(SocketUri(upload.UploadId, token: null)));
        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedHandshakeAsync(SocketUri(upload.UploadId, AccessHttp.Forge(upload.UploadToken))));
        Assert.Equal(HttpStatusCode.NotFound, await RefusedHandshakeAsync(SocketUri(upload.UploadId, other.UploadToken)));
    }

    [Fact]
    public async Task An_origin_outside_Gateway_AllowedOrigins_is_refused_with_403_and_the_allowed_one_is_accepted()
    {
        var upload = await AccessHttp.InitiateAsync(Server.Http, Server, 1000, "origins.mp4");
        var uri = SocketUri(upload.UploadId, upload.UploadToken);

        Assert.Equal(HttpStatusCode.Forbidden, await RefusedHandshakeAsync(uri, "https://evil.example"));

        // The same refusal over plain HTTP says why.
        using (var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/uploads/{upload.UploadId}/ws?access_token={Uri.EscapeDataString(upload.UploadToken)}", UriKind.Relative)))
        {
            request.Headers.Add("Origin", "https://evil.example");
            request.Headers.Add("Connection", "Upgrade");
            request.Headers.Add("Upgrade", "websocket");
            request.Headers.Add("Sec-WebSocket-Version", "13");
            request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(new byte[16]));
            using var browser = AccessHttp.Client(Server);
            using var response = await browser.SendAsync(request);
            await AccessHttp.AssertProblemAsync(response, HttpStatusCode.Forbidden, "origin_forbidden", Server);
        }

        using var socket = await ConnectAsync(uri, OriginRestrictedGatewayFixture.AllowedOrigin);
        Assert.Equal(0, (await ReceiveStatusAsync(socket)).CompletedChunks);

        // The client may leave first: its close is answered with the server's own (a clean close), not a dropped connection.
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "leaving", CancellationToken.None);
        Assert.Equal(WebSocketState.Closed, socket.State);
    }

    private Uri SocketUri(Guid uploadId, string? token) =>
        new($"ws://{Server.BaseAddress.Authority}/api/uploads/{uploadId}/ws" + (token is null ? "" : "?access_token=" + Uri.EscapeDataString(token)));

    private async Task<ClientWebSocket> ConnectAsync(Uri uri, string? origin = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        try
        {
            using var deadline = new CancellationTokenSource(MessageTimeout);
            await socket.ConnectAsync(uri, deadline.Token);
            return socket;
        }
        catch (WebSocketException ex)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            throw new InvalidOperationException($"the handshake to {uri.AbsolutePath} failed with {(int)status}\n{AccessHttp.Tail(Server)}", ex);
        }
    }

    /// <summary>The HTTP status of a handshake that must fail.</summary>
    private static async Task<HttpStatusCode> RefusedHandshakeAsync(Uri uri, string? origin = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        using var deadline = new CancellationTokenSource(MessageTimeout);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, deadline.Token));
        return socket.HttpStatusCode;
    }

    /// <summary>The next text message, which must be a <c>status_update</c>.</summary>
    private async Task<StatusUpdate> ReceiveStatusAsync(ClientWebSocket socket)
    {
        using var deadline = new CancellationTokenSource(MessageTimeout);
        using var message = new MemoryStream();
        var buffer = new byte[4096];
        WebSocketReceiveResult received;
        do
        {
            received = await socket.ReceiveAsync(buffer, deadline.Token);
            Assert.True(received.MessageType == WebSocketMessageType.Text, $"expected a status_update, got {received.MessageType} ({socket.CloseStatus} {socket.CloseStatusDescription})\n{AccessHttp.Tail(Server)}");
            message.Write(buffer, 0, received.Count);
        }
        while (!received.EndOfMessage);

        using var json = JsonDocument.Parse(message.ToArray());
        Assert.Equal("status_update", json.RootElement.GetProperty("type").GetString());
        var data = json.RootElement.GetProperty("data");
        return new StatusUpdate(data.GetProperty("uploadId").GetGuid(), data.GetProperty("completedChunks").GetInt32(), data.GetProperty("status").GetString() ?? "", Encoding.UTF8.GetString(message.ToArray()));
    }

    private sealed record StatusUpdate(Guid UploadId, int CompletedChunks, string Status, string Json);
}
