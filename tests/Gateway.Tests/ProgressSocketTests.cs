using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
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
    public async Task Progress_reads_100_only_once_completed_and_no_message_repeats_the_one_before()
    {
        // 63 full chunks and a last one of 1,234 bytes: with that chunk missing, rounding to nearest read 99.97 here and
        // 100 on a file over 25 MB. Chunks go three at a time (the most in flight), so state writes overlap as they do for real clients.
        var file = TestData.RandomBytes((63 * GatewayFixture.ChunkSize) + 1234, seed: 32);
        var upload = await gateway.Api.StartAsync("rounded.mp4", file.Length);
        using var socket = await gateway.CreateWebSocketClient()
            .ConnectAsync(new Uri(gateway.Client.BaseAddress!, $"/api/uploads/{upload.UploadId}/ws"), CancellationToken.None);
        var messages = new List<string> { await ReceiveTextAsync(socket) };

        var last = upload.TotalChunks - 1;
        foreach (var batch in Enumerable.Range(0, last).Chunk(3))
        {
            var receipts = await Task.WhenAll(batch.Select(chunk => gateway.Api.PutChunkOkAsync(upload, file, chunk)));
            Assert.All(receipts, receipt => Assert.True(receipt.GetProperty("progressPercentage").GetDouble() <= 99));
        }

        var beforeLast = await gateway.Api.GetStatusOkAsync(upload.UploadId);
        Assert.Equal(99, beforeLast.GetProperty("progressPercentage").GetDouble());
        var lastReceipt = await gateway.Api.PutChunkOkAsync(upload, file, last);
        Assert.Equal(100, lastReceipt.GetProperty("progressPercentage").GetDouble());

        while (socket.State == WebSocketState.Open && await ReceiveTextOrCloseAsync(socket) is { } message)
        {
            messages.Add(message);
        }

        var updates = messages.Select(message => JsonDocument.Parse(message).RootElement.GetProperty("data")).ToList();
        Assert.Equal("completed", updates[^1].GetProperty("status").GetString());
        Assert.Equal(100, updates[^1].GetProperty("progressPercentage").GetDouble());
        Assert.All(updates[..^1], update => Assert.True(update.GetProperty("progressPercentage").GetDouble() <= 99));
        var news = updates.Select(WithoutClockFields).ToList();
        Assert.All(news.Zip(news.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));
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

    /// <summary>An update's data without the speed and time remaining, which change with the clock alone.</summary>
    private static string WithoutClockFields(JsonElement data)
    {
        var fields = JsonNode.Parse(data.GetRawText())!.AsObject();
        fields.Remove("uploadSpeed");
        fields.Remove("estimatedTimeRemaining");
        return fields.ToJsonString();
    }

    private static async Task<string> ReceiveTextAsync(WebSocket socket) =>
        await ReceiveTextOrCloseAsync(socket) ?? throw new InvalidOperationException("the socket closed before its first message");

    /// <summary>The next text message, or null when the server closes the socket.</summary>
    private static async Task<string?> ReceiveTextOrCloseAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[64 * 1024];
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        if (received.MessageType == WebSocketMessageType.Close)
        {
            return null;
        }

        Assert.True(received.EndOfMessage);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, received.Count);
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
