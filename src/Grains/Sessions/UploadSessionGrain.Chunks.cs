using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary><see cref="IChunkUploadGrain"/>: numbered chunks (the seed API): validation, durable writes, idempotent re-sends.</summary>
public sealed partial class UploadSessionGrain
{
    // The chunks being written now, so the same chunk sent twice at once is judged against what the first one left.
    private readonly Dictionary<int, Task> _chunksInFlight = [];

    public Task<UploadLayout?> GetLayoutAsync() =>
        Task.FromResult(_state.Status != UploadStatus.None && _state.Mode == UploadMode.Chunks ? _state.Layout : null);

    public async Task<UploadResult<ChunkReceipt>> PutChunkAsync(int chunkNumber, ChunkPayload payload, string? sha256Hex)
    {
        try
        {
            return await PutChunkCoreAsync(chunkNumber, payload, sha256Hex);
        }
        finally
        {
            // Every use of the bytes (hashing, the write, judging a re-send) is over; a payload received from another
            // process gives its pooled array back, one made in this process is left to its owner.
            payload.ReturnToPool();
        }
    }

    private async Task<UploadResult<ChunkReceipt>> PutChunkCoreAsync(int chunkNumber, ChunkPayload payload, string? sha256Hex)
    {
        await ExpireIfIdleAsync();
        byte[]? expectedHash = null;
        if (sha256Hex is not null && !SessionErrors.TryParseSha256(sha256Hex, out expectedHash))
        {
            return new UploadError(UploadErrorCode.InvalidChunkHash, "X-Chunk-Hash must be a sha256 digest: 64 hexadecimal digits");
        }

        UploadLayout layout;
        while (true)
        {
            if (RefuseBytes() is { } refusal)
            {
                return refusal;
            }

            if (_state.Mode != UploadMode.Chunks || _state.Layout is not { } known)
            {
                return new UploadError(UploadErrorCode.WrongUploadMode, "this upload takes appends at an offset, not numbered chunks");
            }

            layout = known;
            if (!layout.Contains(chunkNumber))
            {
                return new UploadError(UploadErrorCode.ChunkOutOfRange, $"chunk {chunkNumber} is outside 0..{layout.TotalChunks - 1}");
            }

            if (payload.Data.Length != layout.LengthOf(chunkNumber))
            {
                return new UploadError(UploadErrorCode.ChunkSizeMismatch, $"chunk {chunkNumber} must be {layout.LengthOf(chunkNumber)} bytes, got {payload.Data.Length}");
            }

            // Chunk 0 holds the file's whole head (chunks are far longer than any signature), whenever it arrives.
            if (chunkNumber == 0 && await RefuseContentAsync(0, payload.Data) is { } mismatch)
            {
                return mismatch;
            }

            // The same chunk twice at once: judge the second against whatever the first one left.
            if (!_chunksInFlight.TryGetValue(chunkNumber, out var earlier))
            {
                break;
            }

            await earlier;
        }

        if (ChunkBitmap.IsSet(_state.StoredChunks, chunkNumber))
        {
            return await JudgeResendAsync(chunkNumber, layout, payload, expectedHash);
        }

        if (_chunksInFlight.Count >= _options.MaxConcurrentChunks)
        {
            return new UploadError(UploadErrorCode.TooManyConcurrentChunks, $"at most {_options.MaxConcurrentChunks} chunks of one upload may be in flight");
        }

        var done = new TaskCompletionSource();
        _chunksInFlight[chunkNumber] = done.Task;
        try
        {
            return await StoreChunkAsync(chunkNumber, layout, payload, expectedHash);
        }
        finally
        {
            _chunksInFlight.Remove(chunkNumber);
            done.SetResult();
        }
    }

    private async Task<UploadResult<ChunkReceipt>> StoreChunkAsync(int chunkNumber, UploadLayout layout, ChunkPayload payload, byte[]? expectedHash)
    {
        byte[]? hash = null;
        if (expectedHash is not null && (hash = await HashAsync(payload)) is var actual && !actual.AsSpan().SequenceEqual(expectedHash))
        {
            return await RejectCorruptChunkAsync(chunkNumber, actual);
        }

        // A chunk's own sha256 is kept only for the completion-time check; computing it then overlaps the write.
        var hashing = hash is null && KeepsChunkHashes ? HashAsync(payload) : null;
        try
        {
            await WriteToStoreAsync(layout.OffsetOf(chunkNumber), payload.Data);
        }
        catch (Exception ex) when (SessionErrors.IsStorageFailure(ex))
        {
            await (hashing ?? Task.CompletedTask);
            _state.CountRetry(chunkNumber);
            return StorageFailed(ex);
        }

        hash ??= hashing is null ? null : await hashing;

        // Cancelled or expired while the bytes were being written: they are not part of any upload now.
        if (RefuseBytes() is { } refusal)
        {
            return refusal;
        }

        ChunkBitmap.Set(_state.StoredChunks, chunkNumber);
        RememberChunkHash(chunkNumber, hash);
        if (KeepsChunkHashes)
        {
            hash!.CopyTo(_state.ChunkHashes.AsSpan(chunkNumber * UploadSessionState.HashLength));
        }

        Touch();
        await Task.WhenAll(_writer.FlushAsync(), AdvanceDigestAsync(StoredPrefixEnd(layout), layout.OffsetOf(chunkNumber), payload.Data));
        LogChunkStored(UploadId, chunkNumber);
        if (_state.AllBytesStored)
        {
            await EnsureCompletionAsync();
        }

        return UploadResult.Ok(Receipt(chunkNumber, alreadyStored: false));
    }

    private async Task<UploadResult<ChunkReceipt>> JudgeResendAsync(int chunkNumber, UploadLayout layout, ChunkPayload payload, byte[]? expectedHash)
    {
        byte[]? hash = null;
        if (expectedHash is not null && (hash = await HashAsync(payload)) is var actual && !actual.AsSpan().SequenceEqual(expectedHash))
        {
            return await RejectCorruptChunkAsync(chunkNumber, actual);
        }

        bool identical;
        try
        {
            identical = KeepsChunkHashes
                ? (hash ?? await HashAsync(payload)).AsSpan().SequenceEqual(_state.HashOf(chunkNumber))
                : await MatchesStoredAsync(layout.OffsetOf(chunkNumber), payload);
        }
        catch (Exception ex) when (SessionErrors.IsStorageFailure(ex))
        {
            return StorageFailed(ex);
        }

        if (!identical)
        {
            return new UploadError(UploadErrorCode.ChunkConflict, $"chunk {chunkNumber} is already stored with different content");
        }

        // Every chunk stored but not completed: a completion was cut short (its silo died). The re-send finishes it.
        if (_state.AllBytesStored && _state.Status.AcceptsBytes())
        {
            await EnsureCompletionAsync();
        }

        return UploadResult.Ok(Receipt(chunkNumber, alreadyStored: true));
    }

    /// <summary>Compares a re-sent chunk with the stored bytes; re-sends are rare, so this is cheaper than hashing every chunk.</summary>
    private Task<bool> MatchesStoredAsync(long offset, ChunkPayload payload)
    {
        var uploadId = UploadId;
        var extension = _state.Extension;
        return Task.Run(async () =>
        {
            var stored = ArrayPool<byte>.Shared.Rent(payload.Data.Length);
            try
            {
                await using var content = _uploads.OpenRead(uploadId, extension, offset);
                var read = await content.ReadAtLeastAsync(stored.AsMemory(0, payload.Data.Length), payload.Data.Length, throwOnEndOfStream: false);
                return read == payload.Data.Length && stored.AsSpan(0, read).SequenceEqual(payload.Data.Span);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(stored);
            }
        });
    }

    private async Task<UploadError> RejectCorruptChunkAsync(int chunkNumber, byte[] actualHash)
    {
        _state.CountRetry(chunkNumber);
        await _writer.FlushAsync();
        LogChunkRejected(UploadId, chunkNumber);
        return new UploadError(
            UploadErrorCode.ChunkHashMismatch,
            $"chunk {chunkNumber} arrived with sha256 {Convert.ToHexStringLower(actualHash)}, which is not its X-Chunk-Hash; send it again");
    }

    /// <summary>Where the first chunk not yet stored starts: every byte before it is durable.</summary>
    private long StoredPrefixEnd(UploadLayout layout) =>
        ChunkBitmap.FirstMissing(_state.StoredChunks, layout.TotalChunks) is { } chunk ? layout.OffsetOf(chunk) : layout.TotalSize;

    private ChunkReceipt Receipt(int chunkNumber, bool alreadyStored) => new(
        UploadId, chunkNumber, _state.CompletedChunks, _state.Layout?.TotalChunks ?? 0, _state.UploadedBytes, _state.TotalSize ?? 0, _state.Status, alreadyStored);

    private static Task<byte[]> HashAsync(ChunkPayload payload) =>
        Task.Run(() => SHA256.HashData(payload.Data.Span));

    [LoggerMessage(LogLevel.Debug, "Chunk {ChunkNumber} uploaded for session {UploadId}")]
    private partial void LogChunkStored(Guid uploadId, int chunkNumber);

    [LoggerMessage(LogLevel.Warning, "Chunk {ChunkNumber} of session {UploadId} rejected: sha256 mismatch")]
    private partial void LogChunkRejected(Guid uploadId, int chunkNumber);
}
