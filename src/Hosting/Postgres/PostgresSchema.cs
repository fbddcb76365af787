using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Orleans.Uploads.Hosting.Postgres;

/// <summary>
/// Brings a PostgreSQL database up to the schema the Orleans ADO.NET providers need (membership, grain state,
/// reminders and their <c>OrleansQuery</c> rows): the numbered SQL files embedded from Postgres/Schema,
/// each applied once, in order. Safe to call from every silo at start-up, at the same moment.
/// </summary>
public static class PostgresSchema
{
    /// <summary>
    /// The session-level advisory lock that serializes schema changes across silos: ASCII "UPLOADS!". Any fixed
    /// number would do; it only has to be the same in every silo (and recognisable in <c>pg_locks</c>). Advisory locks
    /// belong to one database, so silos of different databases never wait for each other.
    /// </summary>
    public const long AdvisoryLockKey = 0x55504C4F41445321;

    private const string CreateHistoryTable = """
        CREATE TABLE IF NOT EXISTS uploads_schema_migrations
        (
            version    integer PRIMARY KEY,
            name       text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    public static async Task ApplyAsync(string connectionString, ILogger logger, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(logger);

        // A build that lost its SQL files should fail here, before it touches the database.
        var migrations = SchemaMigration.LoadEmbedded();
        await using var connection = await OpenAsync(connectionString, ct).ConfigureAwait(false);

        // Held on this session, not in a transaction, so one silo keeps it across all its migrations;
        // if the silo dies the session ends and PostgreSQL releases it.
        await LockAsync(connection, logger, ct).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, null, CreateHistoryTable, ct).ConfigureAwait(false);
            var applied = await AppliedVersionsAsync(connection, ct).ConfigureAwait(false);
            WarnAboutUnknownVersions(applied, migrations, logger);

            var pending = migrations.Where(migration => !applied.Contains(migration.Version)).ToList();
            foreach (var migration in pending)
            {
                await ApplyAsync(connection, migration, ct).ConfigureAwait(false);
                logger.LogInformation("PostgreSQL schema: applied migration {Migration}.", migration.Name);
            }

            logger.LogInformation(
                "PostgreSQL schema is at version {Version} ({Applied} migration(s) applied now).", migrations[^1].Version, pending.Count);
        }
        finally
        {
            await UnlockAsync(connection, logger).ConfigureAwait(false);
        }
    }

    /// <summary>Opens a connection, or fails with a message that says where PostgreSQL was looked for and why it did not answer.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken ct)
    {
        NpgsqlConnectionStringBuilder settings;
        try
        {
            settings = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new StartupFailureException($"The PostgreSQL connection string is not valid: {ex.Message}", ex);
        }

        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            return connection;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new StartupFailureException(Unreachable(settings, ex), ex);
        }
    }

    /// <summary>Where we tried to connect and why it failed; never the password.</summary>
    private static string Unreachable(NpgsqlConnectionStringBuilder settings, Exception ex)
    {
        var reasons = new List<string>();
        for (var current = ex; current is not null; current = current.InnerException)
        {
            if (!reasons.Contains(current.Message, StringComparer.Ordinal))
            {
                reasons.Add(current.Message);
            }
        }

        var message = string.Create(
            CultureInfo.InvariantCulture,
            $"PostgreSQL could not be reached at {settings.Host}:{settings.Port} (database '{settings.Database ?? settings.Username}', user '{settings.Username}'): {string.Join(" -> ", reasons)}");
        return string.IsNullOrEmpty(settings.Password) ? message : message.Replace(settings.Password, "***", StringComparison.Ordinal);
    }

    private static async Task LockAsync(NpgsqlConnection connection, ILogger logger, CancellationToken ct)
    {
        await using var tryLock = Command(connection, null, "SELECT pg_try_advisory_lock(@key)");
        tryLock.Parameters.AddWithValue("key", AdvisoryLockKey);
        if (await tryLock.ExecuteScalarAsync(ct).ConfigureAwait(false) is true)
        {
            return;
        }

        // Another silo is migrating right now; once it is done there is usually nothing left to do.
        logger.LogInformation("PostgreSQL schema: another process holds the schema lock; waiting for it.");
        await using var waitLock = Command(connection, null, "SELECT pg_advisory_lock(@key)");
        waitLock.Parameters.AddWithValue("key", AdvisoryLockKey);
        await waitLock.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task UnlockAsync(NpgsqlConnection connection, ILogger logger)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            return; // the session is gone, and its lock with it
        }

        try
        {
            await using var unlock = Command(connection, null, "SELECT pg_advisory_unlock(@key)");
            unlock.Parameters.AddWithValue("key", AdvisoryLockKey);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            // Not worth hiding the real outcome for: closing the session releases the lock anyway.
            logger.LogWarning(ex, "PostgreSQL schema: could not release the schema lock; closing the connection releases it.");
        }
    }

    private static async Task<HashSet<int>> AppliedVersionsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var select = Command(connection, null, "SELECT version FROM uploads_schema_migrations");
        await using var reader = await select.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var versions = new HashSet<int>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    /// <summary>One migration and the row recording it commit together, or neither does.</summary>
    private static async Task ApplyAsync(NpgsqlConnection connection, SchemaMigration migration, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, transaction, migration.Sql, ct).ConfigureAwait(false);
        }
        catch (PostgresException ex)
        {
            throw new StartupFailureException($"PostgreSQL schema migration {migration.Name} failed: {ex.Message}", ex);
        }

        await using var record = Command(connection, transaction, "INSERT INTO uploads_schema_migrations (version, name) VALUES (@version, @name)");
        record.Parameters.AddWithValue("version", migration.Version);
        record.Parameters.AddWithValue("name", migration.Name);
        await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    private static void WarnAboutUnknownVersions(HashSet<int> applied, IReadOnlyList<SchemaMigration> known, ILogger logger)
    {
        var unknown = applied.Except(known.Select(migration => migration.Version)).Order().ToList();
        if (unknown.Count > 0)
        {
            // A newer build migrated this database (e.g. during a rolling upgrade). Its migrations are meant to be
            // additive, so an older silo keeps working; say so in case it does not.
            logger.LogWarning(
                "PostgreSQL schema has migration(s) {Versions} that this build does not know; a newer version of the service applied them.",
                string.Join(", ", unknown));
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// No command timeout: waiting for the lock or migrating a big table may take long, and a timed-out
    /// migration would just fail again at every start. The caller's token is what stops it.
    /// </summary>
    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql) =>
        new(sql, connection, transaction) { CommandTimeout = 0 };
}
