using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Uploads.Grains.Catalog;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// The session's rows in the seed's tables (upload_sessions, upload_chunks), projected after each durable write through
/// the silo's <see cref="CatalogProjector"/>: the diff between the state durable before the write and the written one
/// (new chunk rows, see <see cref="SessionRows"/>), plus the session row at its revision. On activation an existing state is
/// projected whole, which repairs rows a killed silo never flushed. Terminal transitions wait, briefly and bounded, for
/// the rows to commit, so a platform told "completed" can join against them at once; a database that is down only
/// delays the rows (logged), never the upload.
/// Hazard: hosts without a catalog (grain unit tests) have no projector; everything here is then a no-op.
/// </summary>
public sealed partial class UploadSessionGrain
{
    /// <summary>How long a terminal transition waits for its rows before it is acknowledged anyway.</summary>
    private static readonly TimeSpan TerminalRowsWait = TimeSpan.FromSeconds(2);

    private CatalogProjector? _projector;

    /// <summary>Verified hashes of chunks stored since the last projection (the client's X-Chunk-Hash or computed).</summary>
    private readonly Dictionary<int, string> _chunkHashes = [];

    private CatalogProjector? Projector => _projector ??= ServiceProvider.GetService<CatalogProjector>();

    /// <summary>Called on activation: projects an existing state whole (upserts make repeating rows harmless).</summary>
    private void ProjectStoredState()
    {
        if (Projector is not { } projector || SessionRows.Upload(UploadId, _state) is not { } row)
        {
            return;
        }

        projector.Enqueue(row, SessionRows.Chunks(UploadId, _state, _ => null));
    }

    /// <summary>Remembers a stored chunk's verified sha256 for its row (called when its bit is set).</summary>
    private void RememberChunkHash(int chunkNumber, byte[]? sha256)
    {
        if (sha256 is not null && Projector is not null)
        {
            _chunkHashes[chunkNumber] = Convert.ToHexStringLower(sha256);
        }
    }

    /// <summary>
    /// Called after each durable write with the state durable before it and what was written. The rows are queued before
    /// this returns its task; only the wait of a terminal transition is asynchronous.
    /// </summary>
    private async Task ProjectWrittenAsync(UploadSessionState? previous, UploadSessionState written)
    {
        var before = previous is { Status: not UploadStatus.None } ? SessionRows.Upload(UploadId, previous) : null;
        if (Projector is not { } projector
            || (SessionRows.Upload(UploadId, written) ?? (before is { } last ? SessionRows.Removal(last, written.Revision) : null)) is not { } row)
        {
            return;
        }

        ChunkRow[] chunks = [.. SessionRows.ChunksAdded(UploadId, previous, written, chunk => _chunkHashes.GetValueOrDefault(chunk))];
        projector.Enqueue(row, chunks);
        foreach (var chunk in chunks)
        {
            // Only these: a chunk stored while this write was under way keeps its hash for the next projection.
            _chunkHashes.Remove(chunk.ChunkNumber);
        }

        if (row.Status != before?.Status && IsTerminal(row.Status) && !await projector.WaitWrittenAsync(TerminalRowsWait))
        {
            LogTerminalRowsLate(UploadId, row.Status);
        }
    }

    private static bool IsTerminal(string status) => status is not ("initiated" or "uploading");

    [LoggerMessage(LogLevel.Warning, "Upload session {UploadId}: its {Status} row is not in the catalog yet (database slow or down); it follows")]
    private partial void LogTerminalRowsLate(Guid uploadId, string status);
}
