using System.Buffers;
using Orleans.Uploads.Gateway.Uploads;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Gateway.Tus;

/// <summary>
/// Streams a request body of any length into a session in bounded pieces, under one append lease.
/// Without a checksum every piece is committed as it lands, so a broken connection keeps all it delivered;
/// with one, pieces stay uncommitted until the whole body's digest is known.
/// </summary>
public static class TusBodyStreamer
{
    public static Task<UploadError?> StreamAsync(
        Stream body, IUploadSessionGrain session, AppendLease lease, TusChecksum? checksum, int pieceSize, CancellationToken cancellationToken) =>
        PiecePump.PumpAsync(
            body,
            pieceSize,
            async piece => (await session.AppendAsync(lease.Id, new ChunkPayload(piece), commit: checksum is null)).Error,
            checksum is null ? null : checksum.Append,
            ArrayPool<byte>.Shared,
            cancellationToken);
}
