using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Orleans.Uploads.Gateway.Tests.Support;

namespace Orleans.Uploads.Gateway.Tests;

/// <summary>The seed's real-time progress: status updates pushed over a WebSocket.</summary>
public sealed class ProgressSocketTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task A_watcher_gets_the_status_then_an_update_per_chunk_and_a_close_on_completion()
    {
        var file = TestData.RandomBytes((3 * GatewayFixture.ChunkSize) + 10, seed: 31);
        var upload = await gateway.Api.StartAsync("watched.mp4", file.Length);
        using var socket = await gateway.CreateWebSocketClient()
            .ConnectAsync(new Uri(gateway.Client.BaseAddress!, $"/api/uploads/{upload.UploadId}/ws"), CancellationToken.None);

        var first = await ReceiveAsync(socket);
        Assert.Equal("status_update", first.GetProperty("type").GetString());
        Assert.Equal("initiated", first.GetProperty("data").GetProperty("status").GetString());

        var seen = new List<JsonElement>();
        for (var chunk = 0; chunk < upload.TotalChunks; chunk++)
        {
            // Orleans holds observers weakly: a garbage collection must not end the updates.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await gateway.Api.PutChunkOkAsync(upload, file, chunk);
            seen.Add(await ReceiveUntilAsync(socket, update => update.GetProperty("data").GetProperty("completedChunks").GetInt32() == chunk + 1));
        }

        // Storing the last chunk is one update; the completion it triggers is the next.
        var completed = await ReceiveUntilAsync(socket, update => update.GetProperty("data").GetProperty("status").GetString() == "completed");
        Assert.Equal(100, completed.GetProperty("data").GetProperty("progressPercentage").GetDouble());
        Assert.Equal(upload.TotalChunks, seen.Count);
        var buffer = new byte[1024];
        Assert.Equal(WebSocketMessageType.Close, (await socket.ReceiveAsync(buffer, CancellationToken.None)).MessageType);
    }

    [Fact]
    public async Task Watching_an_unknown_upload_is_not_found()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => gateway.CreateWebSocketClient()
            .ConnectAsync(new Uri(gateway.Client.BaseAddress!, $"/api/uploads/{Guid.NewGuid()}/ws"), CancellationToken.None));

        Assert.Contains("404", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plain_request_is_told_to_use_a_websocket()
    {
        var upload = await gateway.Api.StartAsync("plain.mp4", 1000);

        var response = await gateway.Api.GetAsync($"/api/uploads/{upload.UploadId}/ws");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("websocket_required", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> ReceiveUntilAsync(WebSocket socket, Func<JsonElement, bool> wanted)
    {
        while (true)
        {
            var update = await ReceiveAsync(socket);
            if (wanted(update))
            {
                return update;
            }
        }
    }

    private static async Task<JsonElement> ReceiveAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[64 * 1024];
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal(WebSocketMessageType.Text, received.MessageType);
        Assert.True(received.EndOfMessage);
        return JsonDocument.Parse(buffer.AsMemory(0, received.Count)).RootElement.Clone();
    }
}
