using System.Buffers;
using System.Runtime.ExceptionServices;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Gateway.Bodies;

/// <summary>
/// Moves a request body into a store in pieces of <c>pieceSize</c> bytes. While one piece is stored the next is
/// received into a second pooled buffer, so the network and the disk work at the same time; pieces are stored
/// strictly in body order, one store at a time, with at most two buffers per body.
/// </summary>
public static class PiecePump
{
    /// <summary>The most buffer memory pumping a body of <paramref name="bodyLength"/> bytes (null: unknown) can take.</summary>
    public static long BufferBytes(long? bodyLength, int pieceSize) =>
        bodyLength is { } length && length <= pieceSize ? Math.Max(length, 1) : 2L * pieceSize;

    /// <summary>
    /// Returns null once the whole body is stored, or the first error a store reports: the piece being received then
    /// is dropped and no further read starts. A broken body (IO error, abort, bad request) still stores what arrived
    /// before the break, then rethrows the break. <paramref name="received"/> sees every piece, in body order, before
    /// it is stored. <paramref name="store"/> is told whether a piece is the body's last: known when the piece ends
    /// short of <paramref name="pieceSize"/> or reaches <paramref name="bodyLength"/>; a body of unknown length that
    /// ends on a piece boundary is found to have ended only after its last piece went. A buffer whose store timed
    /// out is never returned to <paramref name="pool"/>: the store may still be reading it.
    /// </summary>
    public static async Task<UploadError?> PumpAsync(
        Stream body,
        int pieceSize,
        long? bodyLength,
        Func<ReadOnlyMemory<byte>, bool, Task<UploadError?>> store,
        Action<ReadOnlySpan<byte>>? received,
        ArrayPool<byte> pool,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pieceSize);
        var buffers = new byte[]?[2];
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
                    filling = FillAsync(body, buffers[next] ??= pool.Rent(pieceSize), pieceSize, storing, received, cancellationToken);
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
                storing = filled > 0 ? store(buffers[next]!.AsMemory(0, filled), bodyEnded && broken is null) : null;
                next = 1 - next;
            }
        }
        finally
        {
            foreach (var buffer in buffers)
            {
                if (buffer is not null)
                {
                    pool.Return(buffer);
                }
            }
        }

        // Waits for the piece in buffers[stored]. When it fails, the piece being received is dropped, but only once
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
                    buffers[stored] = null;
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
    /// Reads until the piece is full, the body ends or the previous piece failed to store; a broken connection is
    /// returned with what arrived before it.
    /// </summary>
    private static async Task<(int Filled, Exception? Broken)> FillAsync(
        Stream body, byte[] buffer, int pieceSize, Task<UploadError?>? previous, Action<ReadOnlySpan<byte>>? received, CancellationToken cancellationToken)
    {
        var filled = 0;
        Exception? broken = null;
        try
        {
            // A failed store is noticed between reads, not by cancelling one: a Kestrel body read cancelled half-way
            // leaves the body unreadable, so the server could not drain it after the response and would log an error.
            int read;
            while (filled < pieceSize
                   && !Failed(previous)
                   && (read = await body.ReadAsync(buffer.AsMemory(filled, pieceSize - filled), cancellationToken)) > 0)
            {
                filled += read;
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
        {
            broken = ex;
        }

        // Here rather than before the store: the previous piece is still being stored, so hashing this one costs no time.
        if (filled > 0)
        {
            received?.Invoke(buffer.AsSpan(0, filled));
        }

        return (filled, broken);
    }

    private static bool Failed(Task<UploadError?>? storing) =>
        storing is { IsCompleted: true } && (!storing.IsCompletedSuccessfully || storing.Result is not null);
}
