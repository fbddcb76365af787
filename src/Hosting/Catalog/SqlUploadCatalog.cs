using System.Data.Common;
using Orleans.Uploads.Grains.Catalog;

namespace Orleans.Uploads.Hosting.Catalog;

/// <summary>
/// The seed's tables over ADO.NET, for both databases: the statements are the same upserts (PostgreSQL and SQLite share
/// <c>INSERT ... ON CONFLICT ... DO UPDATE ... WHERE</c>); a subclass opens connections, supplies its column types' SQL
/// and converts ids and timestamps to what its driver stores.
/// Idempotence lives in the statements: rows are keyed by their identity, a session row is replaced only by an equal or
/// higher revision, a chunk row keeps its first upload time and its highest retry count.
/// </summary>
public abstract class SqlUploadCatalog : IUploadCatalog
{
    private const string Columns = "id, upload_session_id, project_id, filename, original_filename, size, status, created_at, file_hash, metadata, scan_status";

    public abstract Task EnsureCreatedAsync(CancellationToken cancellationToken);

    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>The SQL of a JSON parameter (PostgreSQL casts it to jsonb).</summary>
    protected abstract string Json(string parameter);

    /// <summary>SQL for the larger of two values (GREATEST in PostgreSQL, the two-argument max in SQLite).</summary>
    protected abstract string Greatest(string left, string right);

    protected abstract object IdValue(Guid id);

    protected abstract object TimeValue(DateTimeOffset time);

    protected abstract Guid ReadId(DbDataReader reader, int ordinal);

    protected abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    public async Task WriteAsync(CatalogBatch batch, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var upload in batch.Uploads)
        {
            await ExecuteAsync(connection, transaction, UpsertUpload, cancellationToken,
                ("id", IdValue(upload.Id)), ("filename", upload.Filename), ("original_filename", upload.OriginalFilename),
                ("total_size", upload.TotalSize), ("uploaded_size", upload.UploadedSize), ("status", upload.Status),
                ("created_at", TimeValue(upload.CreatedAt)), ("completed_at", upload.CompletedAt is { } done ? TimeValue(done) : null),
                ("project_id", upload.ProjectId), ("file_hash", upload.FileHash), ("metadata", CatalogJson.OrNull(upload.Metadata)),
                ("protocol", upload.Protocol), ("revision", upload.Revision));
        }

        foreach (var chunk in batch.Chunks)
        {
            await ExecuteAsync(connection, transaction, UpsertChunk, cancellationToken,
                ("upload_session_id", IdValue(chunk.UploadSessionId)), ("chunk_number", chunk.ChunkNumber), ("size", chunk.Size),
                ("status", chunk.Status), ("hash", chunk.Hash), ("uploaded_at", TimeValue(chunk.UploadedAt)), ("retry_count", chunk.RetryCount));
        }

        foreach (var change in batch.Videos)
        {
            if (change.Row is not { } video)
            {
                await ExecuteAsync(connection, transaction, "DELETE FROM videos WHERE id = @id", cancellationToken, ("id", IdValue(change.Id)));
                continue;
            }

            await ExecuteAsync(connection, transaction, UpsertVideo, cancellationToken,
                ("id", IdValue(video.Id)), ("upload_session_id", IdValue(video.UploadSessionId)), ("project_id", video.ProjectId),
                ("filename", video.Filename), ("original_filename", video.OriginalFilename), ("size", video.Size), ("status", video.Status),
                ("created_at", TimeValue(video.CreatedAt)), ("file_hash", video.FileHash), ("metadata", CatalogJson.OrNull(video.Metadata)),
                ("scan_status", video.ScanStatus));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<VideoPage> ListVideosAsync(string projectId, VideoCursor? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = after is null
            ? $"SELECT {Columns} FROM videos WHERE project_id = @project ORDER BY created_at, id LIMIT @take"
            : $"SELECT {Columns} FROM videos WHERE project_id = @project AND (created_at, id) > (@after_time, @after_id) ORDER BY created_at, id LIMIT @take";
        Add(command, "project", projectId);
        Add(command, "take", limit + 1);
        if (after is not null)
        {
            Add(command, "after_time", TimeValue(after.CreatedAt));
            Add(command, "after_id", IdValue(after.Id));
        }

        var videos = new List<VideoRow>(Math.Min(limit + 1, 1024));
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                videos.Add(new VideoRow(
                    ReadId(reader, 0), ReadId(reader, 1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt64(5),
                    reader.GetString(6), ReadTime(reader, 7), reader.IsDBNull(8) ? null : reader.GetString(8),
                    reader.IsDBNull(9) ? null : reader.GetString(9), reader.GetString(10)));
            }
        }

        var next = videos.Count > limit ? new VideoCursor(videos[limit - 1].CreatedAt, videos[limit - 1].Id) : null;
        return new VideoPage([.. videos.Take(limit).Select(VideoRows.ToRecord)], next);
    }

    private string UpsertUpload => $"""
        INSERT INTO upload_sessions (id, filename, original_filename, total_size, uploaded_size, status, created_at, completed_at, project_id, file_hash, metadata, protocol, revision)
        VALUES (@id, @filename, @original_filename, @total_size, @uploaded_size, @status, @created_at, @completed_at, @project_id, @file_hash, {Json("@metadata")}, @protocol, @revision)
        ON CONFLICT (id) DO UPDATE SET
            filename = excluded.filename, original_filename = excluded.original_filename, total_size = excluded.total_size,
            uploaded_size = excluded.uploaded_size, status = excluded.status, created_at = excluded.created_at,
            completed_at = excluded.completed_at, project_id = excluded.project_id, file_hash = excluded.file_hash,
            metadata = excluded.metadata, protocol = excluded.protocol, revision = excluded.revision
        WHERE upload_sessions.revision <= excluded.revision
        """;

    private string UpsertChunk => $"""
        INSERT INTO upload_chunks (upload_session_id, chunk_number, size, status, hash, uploaded_at, retry_count)
        VALUES (@upload_session_id, @chunk_number, @size, @status, @hash, @uploaded_at, @retry_count)
        ON CONFLICT (upload_session_id, chunk_number) DO UPDATE SET
            size = excluded.size, status = excluded.status, hash = COALESCE(excluded.hash, upload_chunks.hash),
            retry_count = {Greatest("upload_chunks.retry_count", "excluded.retry_count")}
        """;

    private string UpsertVideo => $"""
        INSERT INTO videos ({Columns})
        VALUES (@id, @upload_session_id, @project_id, @filename, @original_filename, @size, @status, @created_at, @file_hash, {Json("@metadata")}, @scan_status)
        ON CONFLICT (id) DO UPDATE SET
            upload_session_id = excluded.upload_session_id, project_id = excluded.project_id, filename = excluded.filename,
            original_filename = excluded.original_filename, size = excluded.size, status = excluded.status,
            created_at = excluded.created_at, file_hash = excluded.file_hash, metadata = excluded.metadata, scan_status = excluded.scan_status
        """;

    private static async Task ExecuteAsync(
        DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            Add(command, name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
