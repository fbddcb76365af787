using Orleans.Uploads.Gateway.Bodies;
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
        Stream body, long? bodyLength, IUploadSessionGrain session, AppendLease lease, TusChecksum? checksum, int pieceSize, BodyBuffers buffers, CancellationToken cancellationToken)
    {
        using var reservation = await buffers.ReserveAsync(PiecePump.BufferBytes(bodyLength, pieceSize), cancellationToken);
        return await PiecePump.PumpAsync(
            body,
            pieceSize,
            async piece => (await session.AppendAsync(lease.Id, new ChunkPayload(piece), commit: checksum is null)).Error,
            checksum is null ? null : checksum.Append,
            buffers.Arrays,
            cancellationToken);
    }
}
