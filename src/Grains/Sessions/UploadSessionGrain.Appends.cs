using Microsoft.Extensions.Logging;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// <see cref="IAppendUploadGrain"/>: bytes in order at the stored length under a lease (tus PATCH, form posts), and
/// lengths declared late. Each request body is one lease, opened by its first piece and ended by its last.
/// </summary>
public sealed partial class UploadSessionGrain
{
    public async Task<UploadResult<AppendProgress>> AppendAsync(AppendPiece piece, ChunkPayload payload)
    {
        try
        {
            return await AppendCoreAsync(piece, payload);
        }
        finally
        {
            // The write is over; a payload received from another process gives its pooled array back.
            payload.ReturnToPool();
        }
    }

    public async Task<UploadResult<UploadSnapshot>> ResumeAsync()
    {
        using (await _lease.TakeTurnAsync())
        {
            EndLease();
        }

        return await GetAsync();
    }

    public async Task<UploadResult<UploadSnapshot>> DeclareLengthAsync(long totalSize)
    {
        await ExpireIfIdleAsync();
        using var turn = await _lease.TakeTurnAsync();
        return await DeclareLengthInTurnAsync(totalSize) is { } error ? error : UploadResult.Ok(Snapshot());
    }

    private async Task<UploadResult<AppendProgress>> AppendCoreAsync(AppendPiece piece, ChunkPayload payload)
    {
        if (piece.Offset is not null)
        {
            await ExpireIfIdleAsync();
        }

        using var turn = await _lease.TakeTurnAsync();
        if (piece.Offset is { } offset)
        {
            if (await OpenLeaseAsync(piece, offset, payload.Data.IsEmpty) is { } answer)
            {
                return answer;
            }
        }
        else if (RefuseLeaseHolder(piece.Lease) is { } refusal)
        {
            return refusal;
        }

        var start = _lease.Position;
        var end = start + payload.Data.Length;
        if (_state.TotalSize is { } total && end > total)
        {
            return new UploadError(UploadErrorCode.LengthMismatch, $"{end} bytes would exceed the declared length {total}", CurrentOffset: _state.Offset);
        }

        if (end > _options.MaxFileSize)
        {
            return FileTooLarge(end);
        }

        if (await ReserveQuotaUpToAsync(end) is { } overQuota)
        {
            return overQuota;
        }

        if (!payload.Data.IsEmpty)
        {
            try
            {
                if (await RefuseContentAsync(start, payload.Data) is { } mismatch)
                {
                    return mismatch;
                }

                await WriteToStoreAsync(start, payload.Data);
            }
            catch (Exception ex) when (SessionErrors.IsStorageFailure(ex))
            {
                return StorageFailed(ex);
            }
        }

        if (RefuseBytes() is { } lateRefusal)
        {
            return lateRefusal;
        }

        _lease.Advance(end);
        _state.LastActivityAt = Now;

        // Every piece is hashed as it is written, committed or not, while its bytes are still in memory: reading them
        // back at the commit would go to the disk (they skipped the page cache). A lease that ends without committing
        // them drops the hash with them (EndLease, OpenLease).
        var hashing = AdvanceDigestAsync(end, start, payload.Data);
        if (piece.Commit)
        {
            await Task.WhenAll(hashing, CommitLeaseAsync());
            LogAppendStored(UploadId, _state.Offset);
        }
        else
        {
            await hashing;
        }

        if (piece.Last)
        {
            EndLease();
        }

        return AppendProgress();
    }

    /// <summary>
    /// A request's first piece: sets a length declared with it, supersedes whoever held the upload, checks the
    /// client's offset and that the whole body fits. Null to go on writing; otherwise the answer to the request.
    /// </summary>
    private async Task<UploadResult<AppendProgress>?> OpenLeaseAsync(AppendPiece piece, long offset, bool bodyIsEmpty)
    {
        if (piece.DeclaredLength is { } length && await DeclareLengthInTurnAsync(length) is { } declareError)
        {
            return declareError;
        }

        if (RefuseAppend() is { } refusal)
        {
            // The declared length was all that was missing (a stream that ended on a piece boundary): the upload is done.
            var finishedByLength = piece.DeclaredLength is not null && _state.Status == UploadStatus.Completed && offset == _state.Offset && bodyIsEmpty;
            return finishedByLength ? AppendProgress() : refusal;
        }

        // Whoever held the upload before is superseded, whether or not this request may write.
        OpenLease(piece.Lease);
        if (offset != _state.Offset)
        {
            return new UploadError(UploadErrorCode.OffsetMismatch, $"offset {offset} does not match the stored length {_state.Offset}", CurrentOffset: _state.Offset);
        }

        if (_state.TotalSize is { } total && piece.BodyLength is { } body && offset + body > total)
        {
            EndLease();
            return new UploadError(UploadErrorCode.LengthMismatch, $"{body} bytes at offset {offset} would exceed Upload-Length {total}; nothing was stored");
        }

        _state.LastActivityAt = Now;
        return null;
    }

    /// <summary>Sets a late total size (inside an append turn); completes the upload when every byte is there. Null when set.</summary>
    private async Task<UploadError?> DeclareLengthInTurnAsync(long totalSize)
    {
        if (RefuseAppend() is { } refusal)
        {
            return refusal;
        }

        if (_state.TotalSize is { } declared)
        {
            return declared == totalSize ? null : new UploadError(UploadErrorCode.LengthConflict, $"the length is already declared as {declared}");
        }

        if (totalSize < _state.Offset)
        {
            return new UploadError(UploadErrorCode.LengthConflict, $"{_state.Offset} bytes are already stored, more than {totalSize}", CurrentOffset: _state.Offset);
        }

        if (totalSize > _options.MaxFileSize)
        {
            return FileTooLarge(totalSize);
        }

        if (_state.Kind != UploadKind.Partial && SessionErrors.RefuseShortContent(_state.Extension, totalSize) is { } tooShort)
        {
            return tooShort;
        }

        if (await ReserveQuotaAsync(totalSize) is { } overQuota)
        {
            return overQuota;
        }

        _state.TotalSize = totalSize;
        await _writer.FlushAsync();
        if (_state.AllBytesStored)
        {
            await EnsureCompletionAsync();
        }

        return null;
    }

    /// <summary>Makes the open lease's written bytes durable; completes the upload when they are the last.</summary>
    private async Task CommitLeaseAsync()
    {
        var added = _lease.Position - _state.Offset;
        if (added == 0)
        {
            return;
        }

        _state.Offset = _lease.Position;
        Touch();
        await _writer.FlushAsync();
        if (_state.AllBytesStored)
        {
            await EnsureCompletionAsync();
        }
    }

    /// <summary>Hands the upload to <paramref name="lease"/> at the durable length; see <see cref="EndLease"/>.</summary>
    private void OpenLease(Guid lease)
    {
        DropUncommittedDigest();
        _lease.Open(lease, _state.Offset);
    }

    /// <summary>
    /// No request holds the upload any more. Bytes the lease wrote past the durable length are forgotten, and so is the
    /// running file hash if it took them in: the next advance re-reads the durable prefix from the store.
    /// </summary>
    private void EndLease()
    {
        DropUncommittedDigest();
        _lease.End(_state.Offset);
    }

    private void DropUncommittedDigest()
    {
        if (_lease.Position > _state.Offset)
        {
            _digest?.Dispose();
            _digest = null;
        }
    }

    private UploadResult<AppendProgress> AppendProgress() =>
        UploadResult.Ok(new AppendProgress(_state.Offset, _lease.Position, _state.Status, _state.LastActivityAt + _options.UploadTimeout));

    private UploadError? RefuseLeaseHolder(Guid lease) =>
        RefuseAppend() ?? (!_lease.IsHeldBy(lease)
            ? new UploadError(UploadErrorCode.AppendSuperseded, "a newer request took over this upload", CurrentOffset: _state.Offset)
            : null);

    private UploadError? RefuseAppend() =>
        _state.Kind == UploadKind.Final
            ? new UploadError(UploadErrorCode.WrongUploadMode, "a final upload is assembled from its parts and takes no bytes of its own")
            : RefuseBytes() ?? (_state.Mode != UploadMode.Append
                ? new UploadError(UploadErrorCode.WrongUploadMode, "this upload takes numbered chunks, not appends")
                : null);

    /// <summary>Append mode's counterpart of the seed's per-chunk debug line: the durable offset after a committed piece.</summary>
    [LoggerMessage(LogLevel.Debug, "Upload session {UploadId} stored up to byte {Offset}")]
    private partial void LogAppendStored(Guid uploadId, long offset);
}
