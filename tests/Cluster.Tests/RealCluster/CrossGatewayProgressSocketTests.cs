// Why this exists: behind a load balancer a browser's progress socket and its chunk PUTs can land on different gateways.
// The socket must report what the session grain stored, whichever gateway received the bytes: this runs that split on a
// real cluster (two silos, two gateways as processes) and reads the socket on one while the other takes every chunk.

using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Orleans.Uploads.Cluster.Tests.RealCluster;

[Collection(RealClusterCollection.Name)]
public sealed class CrossGatewayProgressSocketTests(UploadClusterFixture fixture) : IClassFixture<UploadClusterFixture>
{
    private const int MiB = 1024 * 1024;

    private static readonly TimeSpan MessageTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_socket_on_one_gateway_reports_each_chunk_the_other_gateway_receives_and_closes_on_completion()
    {
        var file = new SeededFile((MiB) + 4_321, seed: 1_301);
        var (watched, receiving) = (fixture.Gateway(0), fixture.Gateway(1));
        var upload = await watched.InitiateAsync("watched-elsewhere.mp4", file.Size, file.Sha256);

        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", fixture.Cluster.Access.Authorization.ToString());
        var socketUri = new UriBuilder(fixture.Cluster.Gateways[0]!.BaseAddress) { Scheme = "ws", Path = $"/api/uploads/{upload.UploadId}/ws" }.Uri;
        await socket.ConnectAsync(socketUri, CancellationToken.None);
        var first = await ReceiveStatusAsync(socket);
        Assert.Equal(upload.UploadId.ToString(), first.GetProperty("uploadId").GetString(), ignoreCase: true);
        Assert.Equal(0, first.GetProperty("completedChunks").GetInt32());

        for (var chunk = 0; chunk < file.ChunkCount; chunk++)
        {
            var receipt = await receiving.PutChunkAsync(upload.UploadId, chunk, file.Chunk(chunk), file.ChunkSha256(chunk));
            Assert.Equal(chunk + 1, receipt.CompletedChunks);

            // Updates may coalesce, never run backwards or past what was sent: wait until this chunk is reported.
            var seen = -1;
            while (seen < chunk + 1)
            {
                var status = await ReceiveStatusAsync(socket);
                var reported = status.GetProperty("completedChunks").GetInt32();
                Assert.InRange(reported, Math.Max(seen, 0), chunk + 1);
                seen = reported;
            }
        }

        // Completed: the gateway closes the socket normally, after any last status.
        var buffer = new byte[64 * 1024];
        using var deadline = new CancellationTokenSource(MessageTimeout);
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, deadline.Token);
        }
        while (result.MessageType != WebSocketMessageType.Close);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, result.CloseStatus);
    }

    /// <summary>The next status_update's data; fails on anything else, or when none comes within <see cref="MessageTimeout"/>.</summary>
    private static async Task<JsonElement> ReceiveStatusAsync(ClientWebSocket socket)
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
}
