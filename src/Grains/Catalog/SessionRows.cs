using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Storage;

namespace Orleans.Uploads.Grains.Catalog;

/// <summary>
/// How a session's state reads as rows of upload_sessions and upload_chunks: one place, used by the grain after each
/// durable write and by the rebuild command.
/// Chunk rows: numbered chunks (seed uploads) get one row per stored chunk. Append uploads (tus, legacy) have no numbered
/// chunks; they get one row per chunk-size span wholly below the stored offset (the last, shorter span once the upload
/// is complete), the same spans the seed API's progress counts as completed chunks, so a platform counting rows sees
/// the same progress for every protocol. Those rows carry no hash: tus bytes arrive as a stream, not per chunk.
/// </summary>
public static class SessionRows
{
    /// <summary>The status a removed (tus-terminated) upload shows: its state is emptied, its row keeps what it was.</summary>
    public const string Removed = "removed";

    public static string StatusName(UploadStatus status) => status == UploadStatus.None ? Removed : status.ToString().ToLowerInvariant();

    /// <summary>The session's row; null for a state that never held an upload.</summary>
    public static UploadRow? Upload(Guid uploadId, UploadSessionState state) => state.Status == UploadStatus.None
        ? null
        : new UploadRow(
            uploadId,
            StoredName(uploadId, state.Extension),
            state.Filename,
            state.TotalSize,
            state.UploadedBytes,
            StatusName(state.Status),
            state.CreatedAt,
            state.CompletedAt,
            ProjectIds.OrDefault(state.ProjectId),
            state.FileHash,
            state.MetadataJson,
            state.Protocol.Name(),
            state.Revision);

    /// <summary>The row of an upload whose state was emptied by its removal: what it was, marked removed, at the new revision.</summary>
    public static UploadRow Removal(UploadRow last, long revision) => last with { Status = Removed, Revision = revision };

    /// <summary>Every chunk row the state implies (activation and rebuild re-project them all; upserts make that harmless).</summary>
    public static IEnumerable<ChunkRow> Chunks(Guid uploadId, UploadSessionState state, Func<int, string?> hashOf) =>
        ChunksAdded(uploadId, previous: null, state, hashOf);

    /// <summary>The chunk rows a write added: bits newly set in StoredChunks, or spans the append offset newly covers.</summary>
    public static IEnumerable<ChunkRow> ChunksAdded(Guid uploadId, UploadSessionState? previous, UploadSessionState written, Func<int, string?> hashOf)
    {
        if (written.Layout is not { } layout)
        {
            yield break;
        }

        if (written.Mode == UploadMode.Append)
        {
            var from = previous is { Mode: UploadMode.Append } ? layout.ChunksBelow(previous.Offset) : 0;
            for (var chunk = from; chunk < layout.ChunksBelow(written.Offset); chunk++)
            {
                yield return Row(uploadId, written, layout, chunk, hash: null);
            }

            yield break;
        }

        for (var chunk = 0; chunk < layout.TotalChunks; chunk++)
        {
            if (!written.IsMissing(chunk) && (previous is null || previous.IsMissing(chunk)))
            {
                yield return Row(uploadId, written, layout, chunk, hashOf(chunk) ?? KeptHash(written, chunk));
            }
        }
    }

    private static ChunkRow Row(Guid uploadId, UploadSessionState state, UploadLayout layout, int chunk, string? hash) =>
        new(uploadId, chunk, layout.LengthOf(chunk), "completed", hash, state.LastActivityAt, state.ChunkRetries.GetValueOrDefault(chunk));

    private static string? KeptHash(UploadSessionState state, int chunk) =>
        state.ChunkHashes.Length >= (chunk + 1) * UploadSessionState.HashLength ? Convert.ToHexStringLower(state.HashOf(chunk)) : null;

    /// <summary>The name the stored file has (or will have) once promoted: derived from the id, never from the client.</summary>
    private static string StoredName(Guid uploadId, string extension) => FileSystemStore.VideoKey(uploadId, extension);
}
