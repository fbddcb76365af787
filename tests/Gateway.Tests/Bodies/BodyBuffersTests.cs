using Orleans.Uploads.Gateway.Bodies;

namespace Orleans.Uploads.Gateway.Tests.Bodies;

/// <summary>The gateway's budget for request bodies in transit.</summary>
public sealed class BodyBuffersTests
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task A_reservation_beyond_the_budget_waits_until_earlier_ones_are_released()
    {
        using var buffers = new BodyBuffers(10 * MiB);
        var first = await buffers.ReserveAsync(6 * MiB, CancellationToken.None);
        var second = await buffers.ReserveAsync(4 * MiB, CancellationToken.None);

        var third = buffers.ReserveAsync(1, CancellationToken.None).AsTask();
        Assert.False(third.IsCompleted);

        second.Dispose();
        (await third).Dispose();
        first.Dispose();
    }

    [Fact]
    public async Task A_body_larger_than_the_budget_waits_for_all_of_it_and_then_proceeds_alone()
    {
        using var buffers = new BodyBuffers(4 * MiB);
        var small = await buffers.ReserveAsync(1, CancellationToken.None);

        var large = buffers.ReserveAsync(32 * MiB, CancellationToken.None).AsTask();
        Assert.False(large.IsCompleted);
        small.Dispose();
        var held = await large;

        var another = buffers.ReserveAsync(1, CancellationToken.None).AsTask();
        Assert.False(another.IsCompleted);
        held.Dispose();
        (await another).Dispose();
    }

    [Fact]
    public async Task A_waiting_request_that_goes_away_stops_waiting()
    {
        using var buffers = new BodyBuffers(1 * MiB);
        using var all = await buffers.ReserveAsync(1 * MiB, CancellationToken.None);
        using var aborted = new CancellationTokenSource();

        var waiting = buffers.ReserveAsync(1, aborted.Token).AsTask();
        await aborted.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task A_body_read_into_a_lent_buffer_gives_its_share_back_when_disposed_and_a_short_body_at_once()
    {
        using var buffers = new BodyBuffers(1 * MiB);
        var bytes = new byte[MiB];
        Random.Shared.NextBytes(bytes);

        Task<IDisposable> blocked;
        using (var body = await PooledBody.ReadAsync(new MemoryStream(bytes), MiB, buffers, CancellationToken.None))
        {
            Assert.True(body!.Memory.Span.SequenceEqual(bytes));
            blocked = buffers.ReserveAsync(1, CancellationToken.None).AsTask();
            Assert.False(blocked.IsCompleted);
        }

        (await blocked).Dispose();
        Assert.Null(await PooledBody.ReadAsync(new MemoryStream(bytes, 0, 10), MiB, buffers, CancellationToken.None));
        var whole = buffers.ReserveAsync(MiB, CancellationToken.None).AsTask();
        Assert.True(whole.IsCompleted, "a short body must give its share back before returning");
        (await whole).Dispose();
    }
}
