using System.Runtime.ExceptionServices;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Gateway.Bodies;

/// <summary>
/// Moves a request body into a store in pieces of <c>pieceSize</c> bytes. While one piece is stored the next is
/// received into a second pooled buffer, so the network and the disk work at the same time; pieces are stored
/// strictly in body order, one store at a time, with at most two buffers per body. The buffers grow as bytes arrive
/// (<see cref="PooledBody"/>), so a slow body holds budget only for what it sent.
/// </summary>
public static class PiecePump
{
    /// <summary>
    /// Returns null once the whole body is stored, or the first error a store reports: the piece being received then
    /// is dropped and no further read starts. A broken body (IO error, abort, bad request) still stores what arrived
    /// before the break, then rethrows the break. <paramref name="received"/> sees every piece, in body order, before
    /// it is stored. <paramref name="store"/> is told whether a piece is the body's last: known when the piece ends
    /// short of <paramref name="pieceSize"/> or reaches <paramref name="bodyLength"/>; a body of unknown length that
    /// ends on a piece boundary is found to have ended only after its last piece went. A buffer whose store timed
    /// out is never returned to the pool of <paramref name="buffers"/> (only its budget is): the store may still be reading it.
    /// A body that the budget had no room for in time breaks with a 408 <see cref="BadHttpRequestException"/>.
    /// </summary>
    public static async Task<UploadError?> PumpAsync(
        Stream body,
        int pieceSize,
        long? bodyLength,
        Func<ReadOnlyMemory<byte>, bool, Task<UploadError?>> store,
        Action<ReadOnlySpan<byte>>? received,
        BodyBuffers buffers,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pieceSize);
        var pieces = new PooledBody?[2];

        // Both buffers draw on one allowance; at most both hold a whole piece (or the whole body, if shorter).
        using var allowance = new BodyAllowance(buffers, 2L * (bodyLength is { } declared ? Math.Clamp(declared, 1, pieceSize) : pieceSize));
        Task<UploadError?>? storing = null;
        Exception? broken = null;
        var bodyEnded = false;
        var next = 0;
        var total = 0L;
        try
        {
            while (true)
            {
                Task<(int Filled, Exception? Broken)>? filling = null;
                if (!bodyEnded)
                {
                    var limit = bodyLength is { } length ? (int)Math.Clamp(length - total, 0, pieceSize) : pieceSize;
                    filling = FillAsync(body, pieces[next] ??= new PooledBody(buffers, allowance), limit, storing, received, cancellationToken);
                }

                if (storing is not null && await StoredAsync(storing, stored: 1 - next, filling) is { } error)
                {
                    return error;
                }

                if (filling is null)
                {
                    if (broken is not null)
                    {
                        ExceptionDispatchInfo.Throw(broken);
                    }

                    return null;
                }

                (var filled, broken) = await filling;
                total += filled;
                bodyEnded = broken is not null || filled < pieceSize || total == bodyLength;
                storing = filled > 0 ? store(pieces[next]!.Memory, bodyEnded && broken is null) : null;
                next = 1 - next;
            }
        }
        finally
        {
            foreach (var piece in pieces)
            {
                piece?.Dispose();
            }
        }

        // Waits for the piece in pieces[stored]. When it fails, the piece being received is dropped, but only once
        // its read is over: that read still writes into the other buffer.
        async Task<UploadError?> StoredAsync(Task<UploadError?> piece, int stored, Task? filling)
        {
            try
            {
                if (await piece is not { } error)
                {
                    return null;
                }

                await DropAsync(filling);
                return error;
            }
            catch (Exception ex)
            {
                if (ex is TimeoutException)
                {
                    pieces[stored]!.Abandon();
                }

                await DropAsync(filling);
                throw;
            }
        }
    }

    private static async Task DropAsync(Task? filling)
    {
        try
        {
            if (filling is not null)
            {
                await filling;
            }
        }
        catch (Exception)
        {
            // The piece is dropped, and with it whatever went wrong while receiving it.
        }
    }

    /// <summary>
    /// Reads until the piece holds <paramref name="limit"/> bytes, the body ends or the previous piece failed to store;
    /// a broken connection (or a body the budget had no room for in time) is returned with what arrived before it.
    /// </summary>
    private static async Task<(int Filled, Exception? Broken)> FillAsync(
        Stream body, PooledBody piece, int limit, Task<UploadError?>? previous, Action<ReadOnlySpan<byte>>? received, CancellationToken cancellationToken)
    {
        piece.Clear();
        Exception? broken = null;
        try
        {
            // A failed store is noticed between reads, not by cancelling one: a Kestrel body read cancelled half-way
            // leaves the body unreadable, so the server could not drain it after the response and would log an error.
            await piece.FillAsync(body, limit, () => Failed(previous), cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
        {
            broken = ex;
        }

        // Here rather than before the store: the previous piece is still being stored, so hashing this one costs no time.
        if (piece.Length > 0)
        {
            received?.Invoke(piece.Memory.Span);
        }

        return (piece.Length, broken);
    }

    private static bool Failed(Task<UploadError?>? storing) =>
        storing is { IsCompleted: true } && (!storing.IsCompletedSuccessfully || storing.Result is not null);
}
