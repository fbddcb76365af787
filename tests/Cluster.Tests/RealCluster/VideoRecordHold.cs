using Npgsql;

namespace Orleans.Uploads.Cluster.Tests.RealCluster;

/// <summary>
/// Holds an upload's completion open at a point the test controls, instead of racing it: an uncommitted row in
/// <c>orleans_grain_state</c> under the identity the upload's video record will take (the video grain has the session
/// grain's key). The completion's first write of the video record (<c>INSERT … ON CONFLICT DO NOTHING</c>) waits on that
/// row's transaction, so while the hold stands everything before that write has happened (the session recorded every
/// chunk, the file was hashed and promoted into final storage) and nothing after it (the session recording Completed).
/// Found by file name, like <see cref="DurableState"/>, so tests give their upload a unique one.
/// </summary>
public sealed class VideoRecordHold : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly string _connectionString;
    private readonly int _backend;
    private bool _released;

    private VideoRecordHold(NpgsqlConnection connection, NpgsqlTransaction transaction, string connectionString, int backend)
    {
        _connection = connection;
        _transaction = transaction;
        _connectionString = connectionString;
        _backend = backend;
    }

    /// <summary>Takes the hold for the upload named <paramref name="filename"/>, whose session state must be stored already.</summary>
    public static async Task<VideoRecordHold> TakeAsync(string connectionString, string filename)
    {
        var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO orleans_grain_state (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext, grain_id_hash, grain_type_hash, payload, version)
            SELECT service_id, 'video', grain_id_n0, grain_id_n1, grain_id_ext, 0, 0, NULL, 1
            FROM orleans_grain_state
            WHERE grain_type = 'session' AND payload IS NOT NULL AND position(@name IN payload) > 0
            """,
            connection,
            transaction))
        {
            insert.Parameters.AddWithValue("name", System.Text.Encoding.UTF8.GetBytes(filename));
            var rows = await insert.ExecuteNonQueryAsync();
            if (rows != 1)
            {
                await connection.DisposeAsync();
                throw new InvalidOperationException($"{rows} stored sessions are named {filename}; the hold needs exactly one");
            }
        }

        await using var backend = new NpgsqlCommand("SELECT pg_backend_pid()", connection, transaction);
        return new VideoRecordHold(connection, transaction, connectionString, (int)(await backend.ExecuteScalarAsync())!);
    }

    /// <summary>Whether a write is waiting on the hold: the completion has reached the video record and stopped there.</summary>
    public async Task<bool> IsHoldingAWriteAsync() => await CountHeldAsync("SELECT count(*) FROM pg_stat_activity WHERE @backend = ANY(pg_blocking_pids(pid))") > 0;

    /// <summary>
    /// Lets go: the writes held so far are ended first (their silo is dead, so they never land and the video record is
    /// not written), then the hold's row is rolled back. Returns how many writes were ended.
    /// </summary>
    public async Task<long> ReleaseAsync()
    {
        var ended = await CountHeldAsync(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE @backend = ANY(pg_blocking_pids(pid))) AS ended");
        await _transaction.RollbackAsync();
        _released = true;
        return ended;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_released)
        {
            await _transaction.RollbackAsync();
        }

        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private async Task<long> CountHeldAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("backend", _backend);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
