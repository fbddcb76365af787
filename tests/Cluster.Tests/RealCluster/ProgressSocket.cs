using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Orleans.Uploads.Cluster.Tests.RealCluster;

/// <summary>A client of the progress WebSocket (<c>/api/uploads/{id}/ws</c>) with a caller's credential, for the cluster tests.</summary>
public static class ProgressSocket
{
    private static readonly TimeSpan MessageTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Opens the socket of <paramref name="uploadId"/> at <paramref name="baseAddress"/> (a gateway or the balancer).</summary>
    public static async Task<ClientWebSocket> ConnectAsync(Uri baseAddress, Guid uploadId, AuthenticationHeaderValue authorization)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", authorization.ToString());
        try
        {
            await socket.ConnectAsync(new UriBuilder(baseAddress) { Scheme = "ws", Path = $"/api/uploads/{uploadId}/ws" }.Uri, CancellationToken.None);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The next status_update's data; fails on anything else, or when none comes within 30 s.</summary>
    public static async Task<JsonElement> ReceiveStatusAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        using var deadline = new CancellationTokenSource(MessageTimeout);
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, deadline.Token);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        var root = JsonDocument.Parse(Encoding.UTF8.GetString(message.ToArray())).RootElement.Clone();
        Assert.Equal("status_update", root.GetProperty("type").GetString());
        return root.GetProperty("data");
    }

    /// <summary>Reads until the server closes the socket; the close's status.</summary>
    public static async Task<WebSocketCloseStatus?> ReceiveCloseAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        using var deadline = new CancellationTokenSource(MessageTimeout);
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, deadline.Token);
        }
        while (result.MessageType != WebSocketMessageType.Close);
        return result.CloseStatus;
    }
}
