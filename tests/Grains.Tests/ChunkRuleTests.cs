using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Tests.Infrastructure;

namespace Orleans.Uploads.Grains.Tests;

public sealed class ChunkRuleTests(UploadClusterFixture cluster) : IClassFixture<UploadClusterFixture>
{
    private readonly TestFile _file = new(200_000);

    [Theory]
    [InlineData(-1)]
    [InlineData(4)]
    public async Task A_chunk_number_outside_the_file_is_refused(int chunk)
    {
        var session = await cluster.Grains.StartAsync(_file);

        var result = await session.PutChunkAsync(chunk, _file.Chunk(0), null);

        Assert.Equal(UploadErrorCode.ChunkOutOfRange, result.Code());
    }

    [Fact]
    public async Task Every_chunk_but_the_last_must_be_exactly_chunk_size()
    {
        var session = await cluster.Grains.StartAsync(_file);

        var tooShort = await session.PutChunkAsync(1, new ChunkPayload(new byte[UploadClusterFixture.ChunkSize - 1]), null);
        var lastAsFull = await session.PutChunkAsync(3, new ChunkPayload(new byte[UploadClusterFixture.ChunkSize]), null);
        var last = await session.PutChunkAsync(3, _file.Chunk(3), null);

        Assert.Equal(UploadErrorCode.ChunkSizeMismatch, tooShort.Code());
        Assert.Equal(UploadErrorCode.ChunkSizeMismatch, lastAsFull.Code());
        Assert.True(last.IsSuccess);
        Assert.Equal(200_000 - (3 * UploadClusterFixture.ChunkSize), last.Value!.UploadedBytes);
    }

    [Fact]
    public async Task The_last_chunk_must_be_exactly_as_long_as_the_layout_says_whoever_calls_the_grain()
    {
        var session = await cluster.Grains.StartAsync(_file);
        var last = _file.Chunk(3).Data;

        var shorter = await session.PutChunkAsync(3, new ChunkPayload(last[..^1]), null);
        var longer = await session.PutChunkAsync(3, new ChunkPayload(new byte[last.Length + 1]), null);

        Assert.Equal(UploadErrorCode.ChunkSizeMismatch, shorter.Code());
        Assert.Equal(UploadErrorCode.ChunkSizeMismatch, longer.Code());
        Assert.Contains(3, (await session.SnapshotAsync()).MissingChunks);
    }

    [Fact]
    public Task A_resent_chunk_is_compared_with_the_stored_bytes_identical_is_acknowledged_different_is_a_conflict() =>
        ResendRules.AssertAsync(cluster.Grains, _file);

    [Fact]
    public async Task A_corrupt_chunk_is_rejected_counted_and_leaves_nothing_behind_and_a_correct_resend_is_accepted()
    {
        var session = await cluster.Grains.StartAsync(_file);
        var uploadId = session.GetPrimaryKey();

        var corrupt = await session.PutChunkAsync(1, _file.CorruptChunk(1), _file.ChunkSha256(1));

        Assert.Equal(UploadErrorCode.ChunkHashMismatch, corrupt.Code());
        var afterCorrupt = await session.SnapshotAsync();
        Assert.Contains(1, afterCorrupt.MissingChunks);
        Assert.Equal(new[] { 1 }, afterCorrupt.FailedChunks);
        Assert.Equal(1, afterCorrupt.ChunkRetries);
        Assert.Equal(0, afterCorrupt.UploadedBytes);
        Assert.True(ReadTemp(uploadId, _file.Layout.OffsetOf(1), UploadClusterFixture.ChunkSize).All(b => b == 0), "the corrupt bytes reached the temp file");

        var resent = await session.PutAsync(_file, 1);

        Assert.False(resent.AlreadyStored);
        Assert.Equal(_file.Chunk(1).Data.ToArray(), ReadTemp(uploadId, _file.Layout.OffsetOf(1), UploadClusterFixture.ChunkSize));
        Assert.Empty((await session.SnapshotAsync()).FailedChunks);
    }

    [Fact]
    public async Task Resending_a_stored_chunk_with_the_same_bytes_succeeds_without_a_second_write()
    {
        var session = await cluster.Grains.StartAsync(_file);
        await session.PutAsync(_file, 2);

        var again = await session.PutChunkAsync(2, _file.Chunk(2), null);

        Assert.True(again.Value!.AlreadyStored);
        Assert.Equal(1, again.Value.CompletedChunks);
    }

    [Fact]
    public async Task Different_bytes_for_a_stored_chunk_are_refused_and_the_stored_ones_kept()
    {
        var session = await cluster.Grains.StartAsync(_file);
        await session.PutAsync(_file, 2);

        var other = await session.PutChunkAsync(2, _file.CorruptChunk(2), null);

        Assert.Equal(UploadErrorCode.ChunkConflict, other.Code());
        Assert.Equal(_file.Chunk(2).Data.ToArray(), ReadTemp(session.GetPrimaryKey(), _file.Layout.OffsetOf(2), UploadClusterFixture.ChunkSize));
    }

    [Fact]
    public async Task A_malformed_chunk_hash_is_refused()
    {
        var session = await cluster.Grains.StartAsync(_file);

        var result = await session.PutChunkAsync(0, _file.Chunk(0), "not-a-hash");

        Assert.Equal(UploadErrorCode.InvalidChunkHash, result.Code());
    }

    [Fact]
    public async Task Nothing_is_accepted_after_cancellation_and_the_temp_data_is_gone()
    {
        var session = await cluster.Grains.StartAsync(_file);
        await session.PutAsync(_file, 0);

        var cancelled = await session.CancelAsync();
        var again = await session.CancelAsync();

        Assert.Equal(UploadStatus.Cancelled, cancelled.Value!.Status);
        Assert.True(again.IsSuccess);
        Assert.False(File.Exists(TempPath(session.GetPrimaryKey())));
        Assert.Equal(UploadErrorCode.UploadCancelled, (await session.PutChunkAsync(1, _file.Chunk(1), null)).Code());
        Assert.Equal(UploadErrorCode.UploadCancelled, (await session.CompleteAsync()).Code());
    }

    private string TempPath(Guid uploadId) => Path.Combine(cluster.TempDirectory, uploadId.ToString("N") + ".part");

    private byte[] ReadTemp(Guid uploadId, long offset, int length)
    {
        using var file = File.OpenRead(TempPath(uploadId));
        var bytes = new byte[length];
        file.Position = offset;
        file.ReadExactly(bytes);
        return bytes;
    }
}
