using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Gateway.Hosting;
using Orleans.Uploads.Gateway.Problems;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Gateway.Uploads;

/// <summary>
/// <c>GET /api/uploads/{id}/ws</c>: the seed's real-time progress. The socket receives
/// <c>{"type":"status_update","data":{...upload status...}}</c> now and after every durable change, and is
/// closed by the server once the upload has ended (completed, failed, cancelled or expired).
/// </summary>
public static class UploadProgressSocket
{
    private static readonly TimeSpan Renewal = IUploadProgressGrain.WatchDuration / 2;
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    public static async Task<IResult> HandleAsync(
        string uploadId, HttpContext http, IGrainFactory grains, IOptions<JsonOptions> json, IOptions<GatewayOptions> gateway, ICorsPolicyProvider cors)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            return Problem.BadRequest("websocket_required", "connect with a WebSocket to receive progress updates");
        }

        // Browsers let any page open a WebSocket to any host; the Origin it sends is what tells pages apart. The origins
        // are the CORS policy's, read as CORS reads them (normalised, '*' for any).
        if (gateway.Value.AllowedOrigins.Length > 0 && http.Request.Headers.Origin.ToString() is { Length: > 0 } origin
            && await cors.GetPolicyAsync(http, GatewayHosting.CorsPolicy) is { } policy && !policy.AllowAnyOrigin && !policy.IsOriginAllowed(origin))
        {
            return AccessProblems.OriginForbidden(origin);
        }

        if (!UploadIdRoute.TryParse(uploadId, out var id, out var notFound))
        {
            return notFound;
        }

        var session = grains.GetGrain<IUploadProgressGrain>(id);
        var updates = Channel.CreateBounded<UploadSnapshot>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest });
        // Orleans holds the object behind a reference weakly: this method keeps it alive for as long as the socket is open.
        var target = new Watcher(updates.Writer);
        var watcher = grains.CreateObjectReference<IUploadProgressObserver>(target);
        try
        {
            var first = await session.WatchAsync(watcher);
            if (first.Value is not { } snapshot)
            {
                return first.Error!.ToProblem();
            }

            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            await StreamAsync(socket, session, watcher, snapshot, updates.Reader, json.Value.SerializerOptions, http.RequestAborted);
            return Results.Empty;
        }
        finally
        {
            await session.UnwatchAsync(watcher);
            grains.DeleteObjectReference<IUploadProgressObserver>(watcher);
            GC.KeepAlive(target);
        }
    }

    private static async Task StreamAsync(
        WebSocket socket, IUploadProgressGrain session, IUploadProgressObserver watcher, UploadSnapshot snapshot,
        ChannelReader<UploadSnapshot> updates, JsonSerializerOptions json, CancellationToken aborted)
    {
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var drain = DrainIncomingAsync(socket, closed);
        byte[] sent = [];
        try
        {
            while (true)
            {
                // A durable write that changed nothing a client sees is not news: an update that differs from the one
                // before it only in the speed and time remaining (which move with the clock alone) is not sent.
                var news = JsonSerializer.SerializeToUtf8Bytes(snapshot with { UploadSpeed = 0, EstimatedTimeRemaining = null }, json);
                if (!news.AsSpan().SequenceEqual(sent))
                {
                    var message = JsonSerializer.SerializeToUtf8Bytes(new { type = "status_update", data = UploadStatusResponse.From(snapshot) }, json);
                    await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, closed.Token);
                    sent = news;
                }

                if (!snapshot.Status.AcceptsBytes())
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "upload " + snapshot.Status.ToString().ToLowerInvariant(), CancellationToken.None);
                    return;
                }

                snapshot = await NextAsync(session, watcher, updates, closed.Token);
            }
        }
        catch (WebSocketException)
        {
            // The connection broke under a send: the client is gone, nothing to answer.
        }
        catch (OperationCanceledException) when (closed.IsCancellationRequested)
        {
            // The client left (closed its side, or dropped the connection): not an error. A close it sent is answered,
            // which completes the closing handshake on its side.
            if (socket.State == WebSocketState.CloseReceived)
            {
                try
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closed by the client", CancellationToken.None);
                }
                catch (WebSocketException)
                {
                    // Gone meanwhile.
                }
            }
        }
        finally
        {
            // The reader ends before its token source is disposed: nothing is left running. After the server's close, the
            // client's answering close ends it; a client that never answers is cut off after CloseHandshakeTimeout
            // (cancelling a read aborts the socket, and an abort before the client read the close frame resets it).
            if (socket.State == WebSocketState.CloseSent)
            {
                closed.CancelAfter(CloseHandshakeTimeout);
            }
            else
            {
                await closed.CancelAsync();
            }

            await drain;
        }
    }

    /// <summary>The next change; the subscription is renewed whenever none arrives for a while.</summary>
    private static async Task<UploadSnapshot> NextAsync(IUploadProgressGrain session, IUploadProgressObserver watcher, ChannelReader<UploadSnapshot> updates, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var renewal = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            renewal.CancelAfter(Renewal);
            try
            {
                return await updates.ReadAsync(renewal.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                var renewed = await session.WatchAsync(watcher);
                if (renewed.Value is { } current && !current.Status.AcceptsBytes())
                {
                    return current;
                }
            }
        }
    }

    /// <summary>Reads (and ignores) what the client sends, to notice when it closes.</summary>
    private static async Task DrainIncomingAsync(WebSocket socket, CancellationTokenSource closed)
    {
        var buffer = new byte[1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(buffer, closed.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            await closed.CancelAsync();
        }
    }

    private sealed class Watcher(ChannelWriter<UploadSnapshot> updates) : IUploadProgressObserver
    {
        public Task OnProgressAsync(UploadSnapshot snapshot)
        {
            updates.TryWrite(snapshot);
            return Task.CompletedTask;
        }
    }
}
