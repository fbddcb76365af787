using System.Security.Cryptography;
using Orleans.Uploads.Grains.Statistics;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>Numbered chunks (the seed API): validation, hashing, durable writes, idempotent re-sends.</summary>
public sealed partial class UploadSessionGrain
{
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
        if (sha256Hex is not null && !TryParseSha256(sha256Hex, out expectedHash))
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

            // The same chunk twice at once: judge the second against whatever the first one left.
            if (!_chunksInFlight.TryGetValue(chunkNumber, out var earlier))
            {
                break;
            }

            await earlier;
        }

        if (ChunkBitmap.IsSet(_state.StoredChunks, chunkNumber))
        {
            return await JudgeResendAsync(chunkNumber, payload, expectedHash);
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
        var hash = await HashAsync(payload);
        if (expectedHash is not null && !hash.AsSpan().SequenceEqual(expectedHash))
        {
            return await RejectCorruptChunkAsync(chunkNumber, hash);
        }

        try
        {
            await _chunks.WriteAsync(UploadId, layout.OffsetOf(chunkNumber), payload.Data);
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            _state.CountRetry(chunkNumber);
            Report(new UploadEvent { ChunksRejected = 1 });
            LogStorageFailure(ex, UploadId);
            return StorageUnavailable();
        }

        // Cancelled or expired while the bytes were being written: they are not part of any upload now.
        if (RefuseBytes() is { } refusal)
        {
            return refusal;
        }

        ChunkBitmap.Set(_state.StoredChunks, chunkNumber);
        hash.CopyTo(_state.ChunkHashes.AsSpan(chunkNumber * UploadSessionState.HashLength));
        Touch();
        await _writer.FlushAsync();
        Report(new UploadEvent { BytesReceived = payload.Data.Length, ChunksReceived = 1 });
        LogChunkStored(UploadId, chunkNumber);
        if (_state.AllBytesStored)
        {
            await EnsureCompletionAsync();
        }

        return UploadResult.Ok(Receipt(chunkNumber, alreadyStored: false));
    }

    private async Task<UploadResult<ChunkReceipt>> JudgeResendAsync(int chunkNumber, ChunkPayload payload, byte[]? expectedHash)
    {
        var hash = await HashAsync(payload);
        if (expectedHash is not null && !hash.AsSpan().SequenceEqual(expectedHash))
        {
            return await RejectCorruptChunkAsync(chunkNumber, hash);
        }

        if (!hash.AsSpan().SequenceEqual(_state.HashOf(chunkNumber)))
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

    private async Task<UploadError> RejectCorruptChunkAsync(int chunkNumber, byte[] actualHash)
    {
        _state.CountRetry(chunkNumber);
        await _writer.FlushAsync();
        Report(new UploadEvent { ChunksRejected = 1 });
        LogChunkRejected(UploadId, chunkNumber);
        return new UploadError(
            UploadErrorCode.ChunkHashMismatch,
            $"chunk {chunkNumber} arrived with sha256 {Convert.ToHexStringLower(actualHash)}, which is not its X-Chunk-Hash; send it again");
    }

    private int[] MissingChunks() => _state.Layout is not { } layout
        ? []
        : _state.Mode == UploadMode.Chunks
            ? ChunkBitmap.Missing(_state.StoredChunks, layout.TotalChunks)
            : [.. Enumerable.Range(layout.ChunksBelow(_state.Offset), layout.TotalChunks - layout.ChunksBelow(_state.Offset))];

    private bool IsMissing(int chunk) =>
        _state.Mode != UploadMode.Chunks || chunk >= _state.StoredChunks.Length * 8 || !ChunkBitmap.IsSet(_state.StoredChunks, chunk);

    private ChunkReceipt Receipt(int chunkNumber, bool alreadyStored) => new(
        UploadId, chunkNumber, _state.CompletedChunks, _state.Layout?.TotalChunks ?? 0, _state.UploadedBytes, _state.TotalSize ?? 0, _state.Status, alreadyStored);

    private static Task<byte[]> HashAsync(ChunkPayload payload) =>
        Task.Run(() => SHA256.HashData(payload.Data.Span));
}
