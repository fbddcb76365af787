using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Tests.Infrastructure;
using Orleans.Uploads.Grains.Videos;

namespace Orleans.Uploads.Grains.Tests;

/// <summary>Chunk bytes between processes: read into pooled arrays, handed back once the session is done with them.</summary>
public sealed class ChunkPayloadTests(UploadClusterFixture cluster) : IClassFixture<UploadClusterFixture>
{
    private const int FiveMiB = 5 * 1024 * 1024;

    private Serializer Serializer => cluster.Cluster.Client.ServiceProvider.GetRequiredService<Serializer>();

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100_000)]
    [InlineData(FiveMiB)]
    [InlineData(FiveMiB + 1)]
    public void A_payload_survives_the_codec_byte_for_byte_in_a_pooled_array(int length)
    {
        // A slice from the middle of a larger buffer, as the gateway sends it.
        var buffer = RandomBytes(length + 20, seed: length);
        var sent = new ChunkPayload(buffer.AsMemory(7, length));

        var received = Serializer.Deserialize<ChunkPayload>(Serializer.SerializeToArray(sent));

        Assert.True(received.Data.Span.SequenceEqual(buffer.AsSpan(7, length)));
        Assert.True(received.OwnsPooledArray);
        Assert.True(MemoryMarshal.TryGetArray(received.Data, out var segment));
        Assert.NotSame(buffer, segment.Array);
        Assert.Equal(0, segment.Offset);
        Assert.True(segment.Array!.Length >= length);
        received.ReturnToPool();
        Assert.False(received.OwnsPooledArray);
    }

    [Fact]
    public void An_empty_payload_survives_the_codec_and_owns_nothing()
    {
        var received = Serializer.Deserialize<ChunkPayload>(Serializer.SerializeToArray(new ChunkPayload(ReadOnlyMemory<byte>.Empty)));

        Assert.True(received.Data.IsEmpty);
        Assert.False(received.OwnsPooledArray);
        received.ReturnToPool();
    }

    [Fact]
    public void Returning_a_received_payload_twice_or_from_a_copy_gives_its_array_back_once()
    {
        const int Length = 70_000;
        var received = Serializer.Deserialize<ChunkPayload>(Serializer.SerializeToArray(new ChunkPayload(RandomBytes(Length, seed: 2))));
        var copy = received;
        Assert.True(copy.OwnsPooledArray);

        received.ReturnToPool();
        received.ReturnToPool();
        copy.ReturnToPool();

        Assert.False(received.OwnsPooledArray);
        Assert.False(copy.OwnsPooledArray);

        // Had the array gone back twice, the pool could hand it out twice.
        var first = ArrayPool<byte>.Shared.Rent(Length);
        var second = ArrayPool<byte>.Shared.Rent(Length);
        Assert.NotSame(first, second);
        ArrayPool<byte>.Shared.Return(first);
        ArrayPool<byte>.Shared.Return(second);
    }

    [Fact]
    public void A_payload_made_over_the_senders_buffer_gives_nothing_to_the_pool()
    {
        // Not a pool-sized array: ArrayPool.Shared.Return would throw for it.
        var buffer = RandomBytes(1000, seed: 3);
        var payload = new ChunkPayload(buffer.AsMemory(0, 999));

        Assert.False(payload.OwnsPooledArray);
        payload.ReturnToPool();
        payload.ReturnToPool();
        Assert.True(payload.Data.Span.SequenceEqual(buffer.AsSpan(0, 999)));
    }

    [Fact]
    public void A_copy_of_a_payload_is_the_same_payload()
    {
        var buffer = RandomBytes(1000, seed: 4);
        var payload = new ChunkPayload(buffer);

        var copy = cluster.Cluster.Client.ServiceProvider.GetRequiredService<DeepCopier>().Copy(payload);

        Assert.True(MemoryMarshal.TryGetArray(copy.Data, out var segment));
        Assert.Same(buffer, segment.Array);
        Assert.False(copy.OwnsPooledArray);
    }

    [Fact]
    public void Payloads_next_to_tracked_references_keep_the_reference_ids_in_step()
    {
        var text = new string('x', 40);
        var bytes = RandomBytes(300, seed: 5);
        object[] sent = [text, new ChunkPayload(bytes.AsMemory(0, 100)), text, bytes, new ChunkPayload(bytes.AsMemory(100, 200)), bytes, text];

        var received = Serializer.Deserialize<object[]>(Serializer.SerializeToArray(sent));

        Assert.NotNull(received);
        Assert.Equal(sent.Length, received.Length);
        Assert.Same(received[0], received[2]);
        Assert.Same(received[0], received[6]);
        Assert.Equal(text, received[0]);
        Assert.Same(received[3], received[5]);
        Assert.Equal(bytes, (byte[])received[3]);
        var first = Assert.IsType<ChunkPayload>(received[1]);
        var second = Assert.IsType<ChunkPayload>(received[4]);
        Assert.True(first.Data.Span.SequenceEqual(bytes.AsSpan(0, 100)));
        Assert.True(second.Data.Span.SequenceEqual(bytes.AsSpan(100, 200)));
        first.ReturnToPool();
        second.ReturnToPool();
    }

    [Fact]
    public async Task Chunks_sent_to_the_silos_are_stored_byte_for_byte_on_every_path()
    {
        // Not a multiple of the chunk size, so the last chunk is short: 4 × 64 KiB + 37,979 bytes.
        var file = new TestFile(300_123, seed: 11);
        var session = await cluster.Grains.StartAsync(file, "wire.mp4", file.Sha256);
        var writes = ObservedUploadStore.RecordWrites(session.GetPrimaryKey());

        await Task.WhenAll(new[] { 0, 1, 2 }.Select(chunk => session.PutAsync(file, chunk)));
        Assert.True((await session.PutAsync(file, 1)).AlreadyStored);
        Assert.Equal(UploadErrorCode.ChunkConflict, (await session.PutChunkAsync(2, file.CorruptChunk(2), null)).Code());
        Assert.Equal(UploadErrorCode.ChunkHashMismatch, (await session.PutChunkAsync(3, file.CorruptChunk(3), file.ChunkSha256(3))).Code());
        Assert.Equal(UploadErrorCode.ChunkSizeMismatch, (await session.PutChunkAsync(4, file.Chunk(3), null)).Code());
        await session.PutAsync(file, 4);
        var last = await session.PutAsync(file, 3);

        Assert.Equal(UploadStatus.Completed, last.Status);
        Assert.Equal(file.Bytes, await StoredBytesAsync(session));

        // Every write took the bytes from an array the silo received them in; the short chunk's array is
        // longer than the chunk, as an array rented from the pool is (a freshly deserialized one would fit exactly).
        Assert.Equal(5, writes.Count);
        Assert.All(writes, write => Assert.True(write.ArrayLength >= write.Length));
        Assert.True(writes.Single(write => write.Offset == file.Layout.OffsetOf(4)).ArrayLength > file.Layout.LengthOf(4));
    }

    [Fact]
    public async Task Appends_sent_to_the_silos_are_stored_byte_for_byte()
    {
        var file = new TestFile(150_001, seed: 12);
        var session = cluster.Grains.Session(Guid.NewGuid());
        Assert.True((await session.InitiateAsync(new InitiateUpload("wire.mov", file.Bytes.Length, Mode: UploadMode.Append))).IsSuccess);
        var lease = await session.LeaseAsync(0);

        var offset = 0;
        foreach (var length in new[] { 1, 0, 99_999, 50_001 })
        {
            var appended = await session.AppendAsync(lease, new ChunkPayload(file.Bytes.AsMemory(offset, length)), commit: true);
            Assert.True(appended.IsSuccess, appended.Error?.Detail);
            offset += length;
        }

        Assert.Equal(UploadStatus.Completed, (await session.SnapshotAsync()).Status);
        Assert.Equal(file.Bytes, await StoredBytesAsync(session));
    }

    private async Task<byte[]> StoredBytesAsync(SessionUnderTest session)
    {
        var video = await cluster.Grains.GetGrain<IVideoGrain>(session.GetPrimaryKey()).GetAsync();
        Assert.NotNull(video);
        return await File.ReadAllBytesAsync(Path.Combine(cluster.FinalDirectory, video.Filename));
    }
}
