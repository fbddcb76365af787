using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Orleans.Uploads.Hosting.Catalog;

/// <summary>
/// The seed's tables in one SQLite file, for the standalone server (no database to set up): by default
/// <c>catalog.sqlite</c> next to the grain state (Uploads:StateDirectory), created at start. Ids are stored as text
/// (the 'D' form), timestamps as ISO 8601 text in UTC with seven fractional digits, so text order is time order and the
/// keyset listing works on the index. WAL journaling lets the gateway read while the projector writes; a busy timeout
/// covers the rebuild command writing from another process.
/// </summary>
public sealed class SqliteUploadCatalog(string path) : SqlUploadCatalog
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffffzzz";

    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS upload_sessions
        (
            id                TEXT PRIMARY KEY,
            filename          TEXT    NOT NULL,
            original_filename TEXT    NOT NULL,
            total_size        INTEGER,
            uploaded_size     INTEGER NOT NULL DEFAULT 0,
            status            TEXT    NOT NULL,
            created_at        TEXT    NOT NULL,
            completed_at      TEXT,
            project_id        TEXT,
            file_hash         TEXT,
            metadata          TEXT,
            protocol          TEXT    NOT NULL,
            revision          INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS upload_sessions_by_project ON upload_sessions (project_id, created_at, id);
        CREATE INDEX IF NOT EXISTS upload_sessions_by_status ON upload_sessions (status);
        CREATE TABLE IF NOT EXISTS upload_chunks
        (
            upload_session_id TEXT    NOT NULL,
            chunk_number      INTEGER NOT NULL,
            size              INTEGER NOT NULL,
            status            TEXT    NOT NULL,
            hash              TEXT,
            uploaded_at       TEXT    NOT NULL,
            retry_count       INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (upload_session_id, chunk_number)
        );
        CREATE TABLE IF NOT EXISTS videos
        (
            id                TEXT PRIMARY KEY,
            upload_session_id TEXT    NOT NULL,
            project_id        TEXT    NOT NULL,
            filename          TEXT    NOT NULL,
            original_filename TEXT    NOT NULL,
            size              INTEGER NOT NULL,
            status            TEXT    NOT NULL,
            created_at        TEXT    NOT NULL,
            file_hash         TEXT,
            metadata          TEXT,
            scan_status       TEXT    NOT NULL
        );
        CREATE INDEX IF NOT EXISTS videos_by_project ON videos (project_id, created_at, id);
        CREATE INDEX IF NOT EXISTS videos_by_upload ON videos (upload_session_id);
        """;

    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    public string Path => path;

    public override async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = Schema;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var busy = connection.CreateCommand();
        // NORMAL: a commit is not fsynced, only the WAL checkpoints are. A process crash keeps every commit; a power loss
        // may take the last ones, which is no more than the projector already accepts losing (its pending rows, when a
        // silo dies) and repairs the same way. Grain state, the truth these rows are made from, stays fsynced per commit.
        busy.CommandText = "PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL";
        await busy.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    protected override string Json(string parameter) => parameter;

    protected override string Greatest(string left, string right) => $"max({left}, {right})";

    protected override object IdValue(Guid id) => id.ToString("D");

    protected override object TimeValue(DateTimeOffset time) => time.ToUniversalTime().ToString(TimeFormat, CultureInfo.InvariantCulture);

    protected override Guid ReadId(DbDataReader reader, int ordinal) => Guid.Parse(reader.GetString(ordinal));

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        DateTimeOffset.ParseExact(reader.GetString(ordinal), TimeFormat, CultureInfo.InvariantCulture);
}
