using Orleans.Uploads.Grains.Statistics;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>Appends under a lease (tus PATCH, form posts), deferred lengths, and tus concatenation parts.</summary>
public sealed partial class UploadSessionGrain
{
    public async Task<UploadResult<AppendLease>> BeginAppendAsync(long offset)
    {
        await ExpireIfIdleAsync();
        await _appendGate.WaitAsync();
        try
        {
            if (RefuseAppend() is { } refusal)
            {
                return refusal;
            }

            // Whoever held the upload before is superseded, whether or not this request may write.
            _lease = Guid.NewGuid();
            _leasePosition = _state.Offset;
            if (offset != _state.Offset)
            {
                return OffsetMismatch(offset);
            }

            _state.LastActivityAt = Now;
            return UploadResult.Ok(new AppendLease(_lease.Value, _state.Offset, _state.TotalSize));
        }
        finally
        {
            _appendGate.Release();
        }
    }

    public async Task<UploadResult<AppendProgress>> AppendAsync(Guid lease, ChunkPayload payload, bool commit)
    {
        try
        {
            return await AppendCoreAsync(lease, payload, commit);
        }
        finally
        {
            // The write is over; a payload received from another process gives its pooled array back.
            payload.ReturnToPool();
        }
    }

    private async Task<UploadResult<AppendProgress>> AppendCoreAsync(Guid lease, ChunkPayload payload, bool commit)
    {
        await _appendGate.WaitAsync();
        try
        {
            if (RefuseLeaseHolder(lease) is { } refusal)
            {
                return refusal;
            }

            var end = _leasePosition + payload.Data.Length;
            if (_state.TotalSize is { } total && end > total)
            {
                return new UploadError(UploadErrorCode.LengthMismatch, $"{end} bytes would exceed the declared length {total}", CurrentOffset: _state.Offset);
            }

            if (end > _options.MaxFileSize)
            {
                return FileTooLarge(end);
            }

            if (!payload.Data.IsEmpty)
            {
                try
                {
                    await _chunks.WriteAsync(UploadId, _leasePosition, payload.Data);
                }
                catch (Exception ex) when (IsStorageFailure(ex))
                {
                    LogStorageFailure(ex, UploadId);
                    return StorageUnavailable();
                }
            }

            if (RefuseBytes() is { } lateRefusal)
            {
                return lateRefusal;
            }

            var start = _leasePosition;
            _leasePosition = end;
            _state.LastActivityAt = Now;
            if (commit)
            {
                await Task.WhenAll(AdvanceDigestAsync(end, start, payload.Data), CommitLeaseAsync());
            }

            return UploadResult.Ok(new AppendProgress(_state.Offset, _leasePosition, _state.Status));
        }
        finally
        {
            _appendGate.Release();
        }
    }

    public async Task<UploadResult<UploadSnapshot>> CommitAppendAsync(Guid lease)
    {
        await _appendGate.WaitAsync();
        try
        {
            if (RefuseLeaseHolder(lease) is { } refusal)
            {
                return refusal;
            }

            await CommitLeaseAsync();
            return UploadResult.Ok(Snapshot());
        }
        finally
        {
            _appendGate.Release();
        }
    }

    public async Task EndAppendAsync(Guid? lease)
    {
        await _appendGate.WaitAsync();
        try
        {
            if (lease is null || _lease == lease)
            {
                _lease = null;
                _leasePosition = _state.Offset;
            }
        }
        finally
        {
            _appendGate.Release();
        }
    }

    public Task<PartInfo> DescribePartAsync() => Task.FromResult(
        _state.Kind != UploadKind.Partial ? new PartInfo(false, 0, "it is not a partial upload")
        : _state.PartReleased ? new PartInfo(false, 0, "it was already concatenated")
        : _state.Status != UploadStatus.Completed ? new PartInfo(false, 0, "it is not finished")
        : new PartInfo(true, _state.TotalSize!.Value, ""));

    public async Task ReleasePartAsync()
    {
        if (_state.Kind != UploadKind.Partial || _state.PartReleased)
        {
            return;
        }

        _state.PartReleased = true;
        await RecordEndThenDeleteTempDataAsync();
    }

    /// <summary>Makes the open lease's written bytes durable; completes the upload when they are the last.</summary>
    private async Task CommitLeaseAsync()
    {
        var added = _leasePosition - _state.Offset;
        if (added == 0)
        {
            return;
        }

        _state.Offset = _leasePosition;
        Touch();
        await _writer.FlushAsync();
        Report(new UploadEvent { BytesReceived = added, ChunksReceived = 1 });
        if (_state.AllBytesStored)
        {
            await EnsureCompletionAsync();
        }
    }

    public async Task<UploadResult<UploadSnapshot>> DeclareLengthAsync(long totalSize)
    {
        await ExpireIfIdleAsync();
        await _appendGate.WaitAsync();
        try
        {
            if (RefuseAppend() is { } refusal)
            {
                return refusal;
            }

            if (_state.TotalSize is { } declared)
            {
                return declared == totalSize
                    ? UploadResult.Ok(Snapshot())
                    : new UploadError(UploadErrorCode.LengthMismatch, $"the length is already declared as {declared}");
            }

            if (totalSize < _state.Offset)
            {
                return new UploadError(UploadErrorCode.LengthMismatch, $"{_state.Offset} bytes are already stored, more than {totalSize}", CurrentOffset: _state.Offset);
            }

            if (totalSize > _options.MaxFileSize)
            {
                return FileTooLarge(totalSize);
            }

            _state.TotalSize = totalSize;
            await _writer.FlushAsync();
            if (_state.AllBytesStored)
            {
                await EnsureCompletionAsync();
            }

            return UploadResult.Ok(Snapshot());
        }
        finally
        {
            _appendGate.Release();
        }
    }

    private UploadError? RefuseLeaseHolder(Guid lease) =>
        RefuseAppend() ?? (_lease != lease
            ? new UploadError(UploadErrorCode.AppendSuperseded, "a newer request took over this upload", CurrentOffset: _state.Offset)
            : null);

    private UploadError? RefuseAppend() =>
        _state.Kind == UploadKind.Final
            ? new UploadError(UploadErrorCode.WrongUploadMode, "a final upload is assembled from its parts and takes no bytes of its own")
            : RefuseBytes() ?? (_state.Mode != UploadMode.Append
                ? new UploadError(UploadErrorCode.WrongUploadMode, "this upload takes numbered chunks, not appends")
                : null);

    private UploadError OffsetMismatch(long offset) =>
        new(UploadErrorCode.OffsetMismatch, $"offset {offset} does not match the stored length {_state.Offset}", CurrentOffset: _state.Offset);

    private const string PartFilename = "part";

    /// <summary>The total size of a final upload's parts, each of which must be a finished partial upload.</summary>
    private async Task<UploadResult<long>> SizeOfPartsAsync(Guid[] parts)
    {
        if (parts.Length == 0)
        {
            return Invalid("a final upload needs at least one partial upload");
        }

        long total = 0;
        foreach (var part in parts)
        {
            var info = await GrainFactory.GetGrain<IUploadSessionGrain>(part).DescribePartAsync();
            if (!info.IsUsable)
            {
                return Invalid($"upload {part:N} cannot be concatenated: {info.Reason}");
            }

            total += info.Size;
        }

        return total > _options.MaxFileSize ? FileTooLarge(total) : UploadResult.Ok(total);
    }
}
