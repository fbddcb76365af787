using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Bench;

/// <summary>
/// The generated input: seeded random bytes on disk (incompressible, never held whole in memory), with the sha256 of
/// the whole file, of a prefix (the GC scenario's smaller upload), and of every 1 MiB slice (the small uploads).
/// Clients read it with positional reads from one shared handle.
/// </summary>
public sealed class BenchFile : IDisposable
{
    private const int BlockSize = Sizes.MiB;

    private BenchFile(string path, long size, string sha256, Dictionary<long, string> prefixHashes, string[] sliceHashes)
    {
        Path = path;
        Size = size;
        Sha256 = sha256;
        _prefixHashes = prefixHashes;
        SliceHashes = sliceHashes;
        Handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
    }

    public string Path { get; }

    public long Size { get; }

    public string Sha256 { get; }

    private readonly Dictionary<long, string> _prefixHashes;

    /// <summary>The sha256 of the file's first <paramref name="length"/> bytes (one of the prefixes named at creation).</summary>
    public string PrefixSha256(long length) => length == Size ? Sha256 : _prefixHashes[length];

    /// <summary>sha256 of each whole 1 MiB slice, in order.</summary>
    public string[] SliceHashes { get; }

    public SafeFileHandle Handle { get; }

    public static async Task<BenchFile> CreateAsync(string path, long size, IReadOnlyCollection<long> prefixLengths, int seed)
    {
        var random = new Random(seed);
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var block = new byte[BlockSize];
        var slices = new List<string>();
        var prefixHashes = new Dictionary<long, string>();
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous))
        {
            for (long written = 0; written < size;)
            {
                var length = (int)Math.Min(block.Length, size - written);
                random.NextBytes(block.AsSpan(0, length));
                // Uploads are named .mp4 and the service refuses first bytes that are no MP4; every 1 MiB slice is the
                // start of a small upload, so each block starts like one.
                VideoHeaders.Stamp(block.AsSpan(0, length));

                whole.AppendData(block, 0, length);
                if (length == BlockSize)
                {
                    slices.Add(Convert.ToHexStringLower(SHA256.HashData(block)));
                }

                await file.WriteAsync(block.AsMemory(0, length));
                written += length;
                if (prefixLengths.Contains(written))
                {
                    prefixHashes[written] = Convert.ToHexStringLower(whole.GetCurrentHash());
                }
            }

            // Written back now, so its writeback does not compete with the first scenario's disk and CPU.
            file.Flush(flushToDisk: true);
        }

        return new BenchFile(path, size, Convert.ToHexStringLower(whole.GetHashAndReset()), prefixHashes, [.. slices]);
    }

    /// <summary>
    /// A file holding exactly the first <paramref name="length"/> bytes, for client programs that upload a whole file
    /// (curl, node): the file itself, or a copy of its prefix next to it, made once (the warm-up lengths).
    /// </summary>
    public async Task<string> PrefixFileAsync(long length, CancellationToken cancellationToken)
    {
        if (length == Size)
        {
            return Path;
        }

        var path = $"{Path}.prefix-{length}";
        if (!File.Exists(path))
        {
            var partial = path + ".partial";
            await using (var target = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous))
            {
                var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
                try
                {
                    for (long copied = 0; copied < length;)
                    {
                        var take = (int)Math.Min(BlockSize, length - copied);
                        await ReadAsync(buffer.AsMemory(0, take), copied, cancellationToken);
                        await target.WriteAsync(buffer.AsMemory(0, take), cancellationToken);
                        copied += take;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }

            File.Move(partial, path, overwrite: true);
        }

        return path;
    }

    /// <summary>Fills <paramref name="buffer"/> with the file's bytes at <paramref name="offset"/>.</summary>
    public async Task ReadAsync(Memory<byte> buffer, long offset, CancellationToken cancellationToken)
    {
        for (var read = 0; read < buffer.Length;)
        {
            var n = await RandomAccess.ReadAsync(Handle, buffer[read..], offset + read, cancellationToken);
            if (n == 0)
            {
                throw new EndOfStreamException($"{Path} ended at {offset + read}");
            }

            read += n;
        }
    }

    /// <summary>The sha256 of a stored file, read back from disk in 1 MiB blocks.</summary>
    public static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan | FileOptions.Asynchronous);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, BlockSize), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public void Dispose() => Handle.Dispose();
}

/// <summary>A request body that streams a range of the bench file from disk, 1 MiB at a time, with a known length.</summary>
public sealed class FileRangeContent(BenchFile file, long offset, long count) : HttpContent
{
    private const int BufferSize = Sizes.MiB;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            for (long sent = 0; sent < count;)
            {
                var take = (int)Math.Min(BufferSize, count - sent);
                await file.ReadAsync(buffer.AsMemory(0, take), offset + sent, cancellationToken);
                await stream.WriteAsync(buffer.AsMemory(0, take), cancellationToken);
                sent += take;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = count;
        return true;
    }
}
