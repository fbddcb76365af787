using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Gateway.Bodies;

/// <summary>
/// Streams one request body of any length into an append-mode session (tus PATCH and creation-with-upload, the legacy
/// form post) in pieces of at most <see cref="PieceBytes"/>, one grain call per piece: the first piece opens the
/// request's lease at the client's offset, the last one ends it and answers with the upload's offset and expiry. Only a
/// body whose end is found after its last piece went (unknown length, ending on a piece boundary), or an empty one,
/// costs one more call. Pieces are small so that the session writes one while the next is received, also inside a
/// single 5 MiB PATCH; commits (a data flush and a state write, what a client may rely on) are fewer: without a digest,
/// the piece that brings the uncommitted bytes to <see cref="AppendRequest.CommitBytes"/> commits them, and so do the
/// last piece and, after a break or a refusal, an empty closing piece, so a broken connection still keeps all it
/// delivered. With a digest, pieces stay uncommitted until the last, which commits only if the whole body matched.
/// Hazard: a refusal (unknown upload, wrong offset, ended upload) is the first piece's answer, so a refused request has
/// had up to one piece of its body read first; that is the price of opening the lease with bytes rather than a call of
/// its own.
/// </summary>
public static class AppendBodyStreamer
{
    /// <summary>The most one piece holds: two of them per body are in memory at once, one received while one is stored.</summary>
    public const int PieceBytes = 1024 * 1024;

    /// <param name="onCommitted">Told the upload's progress after each committed piece but the last (the IETF draft's progress 104s).</param>
    public static async Task<AppendOutcome> StreamAsync(
        IAppendUploadGrain session, AppendRequest request, Stream body, BodyBuffers buffers, CancellationToken cancellationToken,
        Func<AppendProgress, Task>? onCommitted = null)
    {
        var lease = Guid.NewGuid();
        var opened = false;
        AppendProgress? stored = null;
        AppendProgress? ended = null;
        bool? matched = null;

        // Bytes the lease has written and not committed, as the session last answered (one piece is stored at a time).
        long Uncommitted() => stored is { } progress ? progress.Position - progress.DurableOffset : 0;

        bool Commits(bool last, int pieceLength) => request.Digest is not { } digest
            ? last || Uncommitted() + pieceLength >= request.CommitBytes
            : last && (matched ??= digest.Matches());

        async Task<UploadResult<AppendProgress>> SendAsync(ReadOnlyMemory<byte> piece, bool last, bool commitNow = false)
        {
            var first = !opened;
            opened = true;
            var commit = commitNow || Commits(last, piece.Length);
            var result = await session.AppendAsync(
                new AppendPiece
                {
                    Lease = lease,
                    Offset = first ? request.Offset : null,
                    BodyLength = first ? request.BodyLength : null,
                    DeclaredLength = first ? request.DeclaredLength : null,
                    Commit = commit,
                    Last = last,
                },
                new ChunkPayload(piece));
            if (result.Value is { } progress)
            {
                stored = progress;
                ended = last ? progress : null;
                if (onCommitted is not null && commit && !last)
                {
                    await onCommitted(progress);
                }
            }

            return result;
        }

        // Commits what the lease wrote and did not commit yet, after a break or a refusal (see the summary).
        async Task CommitDeliveredAsync()
        {
            if (request.Digest is null && Uncommitted() > 0)
            {
                try
                {
                    await SendAsync(ReadOnlyMemory<byte>.Empty, last: false, commitNow: true);
                }
                catch (Exception)
                {
                    // What ended the request (the break, or the refusal) is what its caller hears; the session keeps
                    // its durable length either way.
                }
            }
        }

        UploadError? stopped;
        try
        {
            stopped = await PiecePump.PumpAsync(
                body,
                Math.Min(PieceBytes, request.CommitBytes),
                request.BodyLength,
                async (piece, last) => (await SendAsync(piece, last)).Error,
                request.Digest is { } digest ? digest.Append : null,
                buffers,
                cancellationToken);
        }
        catch (Exception)
        {
            await CommitDeliveredAsync();
            throw;
        }

        if (stopped is not null)
        {
            await CommitDeliveredAsync();
            return new AppendOutcome(null, stopped, matched);
        }

        if (ended is null)
        {
            var closing = await SendAsync(ReadOnlyMemory<byte>.Empty, last: true);

            // Without a digest every piece was committed as it landed: whatever happened between the last piece and this
            // call (those bytes completed the upload, another request took it over, or someone ended it) changes nothing
            // about what this request stored, so it still succeeded.
            if (closing.Error is { } error && (request.Digest is not null || stored is null))
            {
                return new AppendOutcome(null, error, matched);
            }

            ended ??= stored;
        }

        return new AppendOutcome(ended, null, matched);
    }
}

/// <summary>
/// Where a request body goes: the offset its client claims, what it declares, how it is checked, and how many bytes at
/// most are written between two commits (the session's chunk size).
/// </summary>
public sealed record AppendRequest(long Offset, long? BodyLength, int CommitBytes, long? DeclaredLength = null, IBodyDigest? Digest = null);

/// <summary>
/// How streaming a body ended: the upload's progress after its last piece, or the session's refusal; and, when the
/// body carried a digest, whether it matched (a mismatch is not an error of the session: its bytes were just dropped).
/// </summary>
public sealed record AppendOutcome(AppendProgress? Progress, UploadError? Error, bool? DigestMatched);

/// <summary>A checksum a client sent over a request body, fed every byte in order and asked once at the end.</summary>
public interface IBodyDigest
{
    void Append(ReadOnlySpan<byte> data);

    bool Matches();
}
