using Microsoft.Extensions.DependencyInjection;
using Orleans.Uploads.Gateway.Bodies;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Gateway.Tests.Bodies;

/// <summary>
/// When a streamed body's bytes become durable (<see cref="AppendBodyStreamer"/> against a real session): pieces are
/// small, commits come every <see cref="AppendRequest.CommitBytes"/>, at the end, and after a break, so a broken
/// connection still keeps every byte it delivered.
/// </summary>
public sealed class AppendCommitTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const int MiB = 1024 * 1024;
    private const int CommitBytes = 2 * MiB;

    [Fact]
    public async Task A_body_is_committed_every_commit_span_and_at_its_end_not_at_every_piece()
    {
        var bytes = TestData.RandomVideo((3 * MiB) + 1000, seed: 7301, ".mp4");
        var session = await StartAsync();
        var committed = new List<long>();

        var outcome = await StreamAsync(session, new MemoryStream(bytes), progress =>
        {
            committed.Add(progress.DurableOffset);
            return Task.CompletedTask;
        });

        Assert.True(AppendBodyStreamer.PieceBytes < CommitBytes, "the test needs several pieces per commit");
        Assert.Equal([2L * MiB], committed);
        Assert.Equal(bytes.Length, outcome.Progress!.DurableOffset);
    }

    [Fact]
    public async Task A_broken_body_commits_every_byte_it_delivered_even_between_two_commits()
    {
        const int breakAt = (3 * MiB) + (MiB / 2);
        var bytes = TestData.RandomVideo(4 * MiB, seed: 7302, ".mp4");
        var session = await StartAsync();

        await Assert.ThrowsAsync<IOException>(() => StreamAsync(session, new BreakingStream(bytes, breakAt)));

        var snapshot = (await gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IUploadSessionGrain>(session.GetPrimaryKey()).GetAsync()).Value!;
        Assert.Equal(breakAt, snapshot.UploadedBytes);
    }

    private async Task<IAppendUploadGrain> StartAsync()
    {
        var grains = gateway.Services.GetRequiredService<IGrainFactory>();
        var id = Guid.NewGuid();
        var started = await grains.GetGrain<IUploadSessionGrain>(id).InitiateAsync(new InitiateUpload("clip.mp4", FileSize: null, Mode: UploadMode.Append));
        Assert.True(started.IsSuccess, started.Error?.Detail);
        return grains.GetGrain<IAppendUploadGrain>(id);
    }

    private Task<AppendOutcome> StreamAsync(IAppendUploadGrain session, Stream body, Func<AppendProgress, Task>? onCommitted = null) =>
        AppendBodyStreamer.StreamAsync(
            session, new AppendRequest(0, BodyLength: null, CommitBytes), body, gateway.Services.GetRequiredService<BodyBuffers>(), CancellationToken.None, onCommitted);

    /// <summary>Delivers its bytes up to <c>breakAt</c>, then fails as a reset connection does.</summary>
    private sealed class BreakingStream(byte[] bytes, int breakAt) : MemoryStream(bytes, 0, breakAt)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            return read > 0 ? read : throw new IOException("the connection was reset");
        }
    }
}
