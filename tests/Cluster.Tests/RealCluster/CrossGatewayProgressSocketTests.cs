// Why this exists: behind a load balancer a browser's progress socket and its chunk PUTs can land on different gateways.
// The socket must report what the session grain stored, whichever gateway received the bytes: this runs that split on a
// real cluster (two silos, two gateways as processes) and reads the socket on one while the other takes every chunk.

using System.Net.WebSockets;

namespace Orleans.Uploads.Cluster.Tests.RealCluster;

[Collection(RealClusterCollection.Name)]
public sealed class CrossGatewayProgressSocketTests(UploadClusterFixture fixture) : IClassFixture<UploadClusterFixture>
{
    private const int MiB = 1024 * 1024;


    [Fact]
    public async Task The_socket_on_one_gateway_reports_each_chunk_the_other_gateway_receives_and_closes_on_completion()
    {
        var file = new SeededFile((MiB) + 4_321, seed: 1_301);
        var (watched, receiving) = (fixture.Gateway(0), fixture.Gateway(1));
        var upload = await watched.InitiateAsync("watched-elsewhere.mp4", file.Size, file.Sha256);

        using var socket = await ProgressSocket.ConnectAsync(fixture.Cluster.Gateways[0]!.BaseAddress, upload.UploadId, fixture.Cluster.Access.Authorization);
        var first = await ProgressSocket.ReceiveStatusAsync(socket);
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
                var status = await ProgressSocket.ReceiveStatusAsync(socket);
                var reported = status.GetProperty("completedChunks").GetInt32();
                Assert.InRange(reported, Math.Max(seen, 0), chunk + 1);
                seen = reported;
            }
        }

        // Completed: the gateway closes the socket normally, after any last status.
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await ProgressSocket.ReceiveCloseAsync(socket));
    }
}
