using Microsoft.Extensions.Options;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Uploads.Grains.Storage;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Grains.Tests;

/// <summary>
/// <see cref="FileSystemStore"/> writes, flushed or not: with flushing on, whole 4 KiB blocks go direct (O_DIRECT,
/// through aligned buffers of 1 MiB) and an unaligned head or tail through the page cache. Whatever the split, the
/// file reads back exactly as written.
/// </summary>
public sealed class UploadStoreWriteTests
{
    private const int KiB = 1024;
    private const int MiB = 1024 * KiB;

    // (offset, length): aligned; unaligned head and tail; shorter than a block inside one; crossing the 1 MiB buffer.
    public static TheoryData<int, int> Writes => new()
    {
        { 0, 64 * KiB },
        { 100, (64 * KiB) + 5 },
        { (4 * KiB) + 1, 300 },
        { 12 * KiB, (2 * MiB) + (4 * KiB) },
        { 3, (2 * MiB) + 7 },
    };

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task Bytes_written_at_any_offset_and_length_read_back_as_written(int offset, int length)
    {
        foreach (var flush in new[] { true, false })
        {
            using var root = new TempDirectory("store-writes");
            var store = StoreIn(root, flush);
            var uploadId = Guid.NewGuid();
            var before = TestBytes(offset, seed: 1);
            var data = TestBytes(length, seed: 2);
            await store.CreateAsync(uploadId, size: null);

            await store.WriteAsync(uploadId, 0, before);
            await store.WriteAsync(uploadId, offset, data);

            var stored = new byte[offset + length];
            await using (var read = store.OpenRead(uploadId, ".mp4", 0))
            {
                await read.ReadExactlyAsync(stored);
                Assert.Equal(0, await read.ReadAsync(new byte[1]));
            }

            Assert.True(stored.AsSpan(0, offset).SequenceEqual(before), $"the bytes before the write changed (flush {flush})");
            Assert.True(stored.AsSpan(offset).SequenceEqual(data), $"the written bytes differ (flush {flush})");
        }
    }

    [Fact]
    public async Task Writes_into_a_file_of_reserved_length_fill_it_in_any_order()
    {
        using var root = new TempDirectory("store-writes");
        var store = StoreIn(root, flush: true);
        var uploadId = Guid.NewGuid();
        var file = TestBytes((3 * MiB) + 123, seed: 3);
        await store.CreateAsync(uploadId, file.Length);

        // The way concurrent seed chunks land: out of order, the last one short.
        int[] starts = [2 * MiB, 0, MiB, 3 * MiB];
        foreach (var start in starts)
        {
            await store.WriteAsync(uploadId, start, file.AsMemory(start, Math.Min(MiB, file.Length - start)));
        }

        await using var read = store.OpenRead(uploadId, ".mp4", 0);
        var stored = new byte[file.Length];
        await read.ReadExactlyAsync(stored);
        Assert.True(stored.AsSpan().SequenceEqual(file));
    }

    private static FileSystemStore StoreIn(TempDirectory root, bool flush) => new(Options.Create(new UploadOptions
    {
        TempDirectory = Path.Combine(root.Path, "temp"),
        FinalDirectory = Path.Combine(root.Path, "final"),
        MinFreeDiskMegabytes = 1,
        FlushToDisk = flush,
    }));

    private static byte[] TestBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
