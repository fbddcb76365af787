// Why this exists: several access tests open the progress WebSocket and read what it sends; one reader, with a timeout,
// so a socket that never speaks fails the test instead of hanging it.

using System.Net.WebSockets;
using System.Text.Json;

namespace Orleans.Uploads.Gateway.Tests.Access;

public static class ProgressMessages
{
    /// <summary>The next message, which must be one whole JSON text frame.</summary>
    public static async Task<JsonElement> ReceiveAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[64 * 1024];
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal(WebSocketMessageType.Text, received.MessageType);
        Assert.True(received.EndOfMessage);
        return JsonDocument.Parse(buffer.AsMemory(0, received.Count)).RootElement.Clone();
    }
}
