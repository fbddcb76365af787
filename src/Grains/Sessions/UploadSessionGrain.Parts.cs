namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// <see cref="IUploadPartGrain"/>: tus concatenation. A partial upload keeps its bytes after it finishes until a final
/// upload concatenates it; a final upload checks and sizes its parts, then copies them into its own temp object.
/// </summary>
public sealed partial class UploadSessionGrain
{
    public Task<PartInfo> DescribePartAsync() => Task.FromResult(
        _state.Kind != UploadKind.Partial ? new PartInfo(false, 0, PartInfo.NotAPartialUpload)
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

    /// <summary>The total size of a final upload's parts, each of which must be a finished partial upload.</summary>
    private async Task<UploadResult<long>> SizeOfPartsAsync(Guid[] parts)
    {
        if (parts.Length == 0)
        {
            return SessionErrors.Invalid("a final upload needs at least one partial upload");
        }

        long total = 0;
        foreach (var part in parts)
        {
            var info = await GrainFactory.GetGrain<IUploadPartGrain>(part).DescribePartAsync();
            if (!info.IsUsable)
            {
                return SessionErrors.CannotConcatenate(part, info.Reason);
            }

            total += info.Size;
        }

        return total > _options.MaxFileSize ? FileTooLarge(total) : UploadResult.Ok(total);
    }

    /// <summary>Copies the parts' bytes, in order, into this upload's temp object: long I/O, so off the grain's scheduler.</summary>
    private Task ConcatenatePartsAsync(Guid[] parts)
    {
        var uploadId = UploadId;
        return Task.Run(() => _uploads.ConcatenateAsync(uploadId, parts));
    }
}
