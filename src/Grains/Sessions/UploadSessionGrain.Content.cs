namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// The content check: an upload's first bytes must start like a container of its extension (<see cref="ContainerSignature"/>).
/// It runs where bytes at the start of the file are about to be stored, so a mismatch is refused before it is written,
/// whichever way the bytes come (chunk 0 of the seed API, a tus PATCH, a form post, a concatenation). A refusal keeps
/// everything already accepted and the upload open: the same bytes are refused again, correct ones are still taken.
/// Partial uploads are not checked (a part is not a video by itself); their final upload is.
/// </summary>
public sealed partial class UploadSessionGrain
{
    private ContainerSignature? Signature => _state.Kind == UploadKind.Partial ? null : ContainerSignature.For(_state.Extension);

    /// <summary>Checks bytes about to be written at <paramref name="offset"/>; bytes before it are read back from the store.</summary>
    private async Task<UploadError?> RefuseContentAsync(long offset, ReadOnlyMemory<byte> data)
    {
        if (Signature is not { } signature || offset >= signature.Length)
        {
            return null;
        }

        // A first request may carry fewer bytes than the signature needs; the next one's are judged together with them.
        var head = new byte[signature.Length];
        var before = (int)offset;
        if (before > 0 && await ReadStoredHeadAsync(head.AsMemory(0, before)) < before)
        {
            return null;
        }

        var taken = Math.Min(data.Length, signature.Length - before);
        data.Span[..taken].CopyTo(head.AsSpan(before));
        return signature.Refuses(head.AsSpan(0, before + taken)) ? SessionErrors.ContentMismatch(_state.Extension, signature) : null;
    }

    /// <summary>A concatenated final upload's head, read from its temp object: it must be all there and fit.</summary>
    private async Task<UploadError?> RefuseConcatenatedContentAsync(string extension)
    {
        if (ContainerSignature.For(extension) is not { } signature)
        {
            return null;
        }

        var head = new byte[signature.Length];
        var read = await ReadStoredHeadAsync(head);
        return read < head.Length || signature.Refuses(head) ? SessionErrors.ContentMismatch(extension, signature) : null;
    }

    private async Task<int> ReadStoredHeadAsync(Memory<byte> head)
    {
        await using var stored = _uploads.OpenRead(UploadId, _state.Extension, 0);
        return await stored.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false);
    }
}
