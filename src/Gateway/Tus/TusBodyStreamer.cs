using System.Buffers;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Gateway.Tus;

/// <summary>
/// Streams a request body of any length into a session in bounded pieces, under one append lease.
/// Without a checksum every piece is committed as it lands, so a broken connection keeps all it delivered;
/// with one, pieces stay uncommitted until the whole body's digest is known.
/// </summary>
public static class TusBodyStreamer
{
    public static async Task<UploadError?> StreamAsync(
        Stream body, IUploadSessionGrain session, AppendLease lease, TusChecksum? checksum, int pieceSize, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(pieceSize);
        var returnBuffer = true;
        try
        {
            while (true)
            {
                var (filled, broken) = await FillAsync(body, buffer, pieceSize, cancellationToken);
                if (filled > 0)
                {
                    checksum?.Append(buffer.AsSpan(0, filled));
                    UploadResult<AppendProgress> appended;
                    try
                    {
                        appended = await session.AppendAsync(lease.Id, new ChunkPayload(buffer.AsMemory(0, filled)), commit: checksum is null);
                    }
                    catch (TimeoutException)
                    {
                        // The grain may still be reading the buffer: it must not go back to the pool.
                        returnBuffer = false;
                        throw;
                    }

                    if (appended.Error is { } error)
                    {
                        return error;
                    }
                }

                if (broken is not null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(broken);
                }

                if (filled < pieceSize)
                {
                    return null;
                }
            }
        }
        finally
        {
            if (returnBuffer)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Reads until the piece is full or the body ends; a broken connection is returned with what arrived before it.</summary>
    private static async Task<(int Filled, Exception? Broken)> FillAsync(Stream body, byte[] buffer, int pieceSize, CancellationToken cancellationToken)
    {
        var filled = 0;
        try
        {
            int read;
            while (filled < pieceSize && (read = await body.ReadAsync(buffer.AsMemory(filled, pieceSize - filled), cancellationToken)) > 0)
            {
                filled += read;
            }

            return (filled, null);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
        {
            return (filled, ex);
        }
    }
}
