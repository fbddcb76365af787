using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Orleans.Uploads.Grains.Storage;

namespace Orleans.Uploads.Grains.Tests.Infrastructure;

/// <summary>The real file-system store, with a gate a test can put in front of one upload's writes, and a record of them.</summary>
public sealed class ObservedUploadStore(IUploadStore inner) : IUploadStore
{
    private static readonly ConcurrentDictionary<Guid, WriteGate> Gates = new();

    private static readonly ConcurrentDictionary<Guid, ConcurrentQueue<ObservedWrite>> Writes = new();

    public static WriteGate GateWrites(Guid uploadId) => Gates.GetOrAdd(uploadId, _ => new WriteGate());

    /// <summary>From now on, notes each write of one upload: how many bytes, and how long the array holding them was.</summary>
    public static ConcurrentQueue<ObservedWrite> RecordWrites(Guid uploadId) => Writes.GetOrAdd(uploadId, _ => new());

    public async Task WriteAsync(Guid uploadId, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (Gates.TryGetValue(uploadId, out var gate))
        {
            await gate.PassAsync();
        }

        if (Writes.TryGetValue(uploadId, out var writes))
        {
            writes.Enqueue(new ObservedWrite(offset, data.Length, MemoryMarshal.TryGetArray(data, out var segment) ? segment.Array!.Length : -1));
        }

        await inner.WriteAsync(uploadId, offset, data, cancellationToken);
    }

    public Task CreateAsync(Guid uploadId, long? size, CancellationToken cancellationToken = default) => inner.CreateAsync(uploadId, size, cancellationToken);

    public Task ConcatenateAsync(Guid uploadId, IReadOnlyList<Guid> parts, CancellationToken cancellationToken = default) => inner.ConcatenateAsync(uploadId, parts, cancellationToken);

    public Stream OpenRead(Guid uploadId, string extension, long offset) => inner.OpenRead(uploadId, extension, offset);

    public Task DeleteAsync(Guid uploadId, CancellationToken cancellationToken = default) => inner.DeleteAsync(uploadId, cancellationToken);

    public IEnumerable<TempUpload> List() => inner.List();
}

/// <summary>One chunk-store write: where, how many bytes, and the length of the array they were in (-1: not an array).</summary>
public readonly record struct ObservedWrite(long Offset, int Length, int ArrayLength);
