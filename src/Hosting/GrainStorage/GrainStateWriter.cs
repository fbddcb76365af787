using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Orleans.Storage;

namespace Orleans.Uploads.Hosting.GrainStorage;

/// <summary>
/// The one writer of <see cref="SqliteGrainStorage"/>'s table: every grain-state write waiting when it is free is
/// committed in one transaction, so one fsync of the write-ahead log makes a whole batch durable (group commit).
/// A write is answered only after its batch's commit returned, so an acknowledged state is on disk.
/// Each write is checked against its ETag inside the transaction; a stale one fails alone, the rest of its batch
/// commits. It runs on a thread of its own because SQLite's calls block (the commit waits for the disk), and a pool
/// thread blocked on the disk would hold up grain turns. A commit that fails fails its whole batch; the next batch
/// opens a new connection.
/// </summary>
internal sealed class GrainStateWriter : IDisposable
{
    private const int MostWritesPerCommit = 256;
    private const int EtagLength = 16;

    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly string _connectionString;
    private readonly GrainStateFiles? _files;
    private readonly Thread _thread;
    private Connection? _connection;

    public GrainStateWriter(string connectionString, GrainStateFiles? files)
    {
        _connectionString = connectionString;
        _files = files;
        _thread = new Thread(Run) { IsBackground = true, Name = "grain-state-writer" };
        _thread.Start();
    }

    /// <summary>Stores <paramref name="payload"/> (or, when null, deletes the state) if the stored ETag is <paramref name="expectedETag"/>; returns the new ETag.</summary>
    public Task<string?> WriteAsync(string stateName, GrainId grainId, string? expectedETag, byte[]? payload)
    {
        var write = new PendingWrite(stateName, grainId, expectedETag, payload);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(write), this);
        return write.Done.Task;
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _thread.Join();
    }

    private void Run()
    {
        var batch = new List<PendingWrite>(MostWritesPerCommit);
        var reader = _queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (batch.Count < MostWritesPerCommit && reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            try
            {
                Commit(batch);
            }
            catch (Exception ex)
            {
                _connection?.Dispose();
                _connection = null;
                foreach (var write in batch)
                {
                    write.Done.TrySetException(ex);
                }
            }

            batch.Clear();
        }

        _connection?.Dispose();
    }

    private void Commit(List<PendingWrite> batch)
    {
        var connection = _connection ??= new Connection(_connectionString);
        var outcomes = new (string? ETag, Exception? Refused)[batch.Count];
        using (var transaction = connection.Sqlite.BeginTransaction(deferred: false))
        {
            connection.Enlist(transaction);
            for (var i = 0; i < batch.Count; i++)
            {
                outcomes[i] = Apply(connection, batch[i]);
            }

            transaction.Commit();
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var write = batch[i];
            if (outcomes[i].Refused is { } refused)
            {
                write.Done.TrySetException(refused);
                continue;
            }

            if (write.Payload is not null)
            {
                ForgetStateFile(write);
            }

            write.Done.TrySetResult(outcomes[i].ETag);
        }
    }

    private (string? ETag, Exception? Refused) Apply(Connection connection, PendingWrite write)
    {
        var key = write.GrainId.ToString();
        connection.Select.Parameters["$state"].Value = write.StateName;
        connection.Select.Parameters["$grain"].Value = key;
        var stored = connection.Select.ExecuteScalar() as string ?? _files?.ReadETag(write.StateName, write.GrainId);
        if (stored != write.ExpectedETag)
        {
            return (null, new InconsistentStateException(
                $"Stored ETag {stored ?? "(none)"} does not match {write.ExpectedETag ?? "(none)"}.", stored, write.ExpectedETag));
        }

        if (write.Payload is null)
        {
            // Before the row goes: a file left behind a cleared grain would bring its old state back on the next read.
            // A file that cannot be deleted refuses the clear; one deleted before a failed commit was to go anyway.
            try
            {
                _files?.Delete(write.StateName, write.GrainId);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return (null, ex);
            }

            connection.Delete.Parameters["$state"].Value = write.StateName;
            connection.Delete.Parameters["$grain"].Value = key;
            connection.Delete.ExecuteNonQuery();
            return (null, null);
        }

        var etag = Convert.ToHexString(RandomNumberGenerator.GetBytes(EtagLength));
        connection.Upsert.Parameters["$state"].Value = write.StateName;
        connection.Upsert.Parameters["$grain"].Value = key;
        connection.Upsert.Parameters["$etag"].Value = etag;
        connection.Upsert.Parameters["$payload"].Value = write.Payload;
        connection.Upsert.ExecuteNonQuery();
        return (etag, null);
    }

    /// <summary>
    /// After a write's commit: its grain's state file is stale. A file that cannot be deleted stays behind, and no read
    /// reaches it, because the row wins; so it never fails the committed write.
    /// </summary>
    private void ForgetStateFile(PendingWrite write)
    {
        try
        {
            _files?.Delete(write.StateName, write.GrainId);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    private sealed record PendingWrite(string StateName, GrainId GrainId, string? ExpectedETag, byte[]? Payload)
    {
        public TaskCompletionSource<string?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The writer's connection and its three statements, prepared once.</summary>
    private sealed class Connection : IDisposable
    {
        public Connection(string connectionString)
        {
            Sqlite = SqliteGrainStorage.Open(connectionString);
            using (var durable = Sqlite.CreateCommand())
            {
                // FULL: in WAL mode the log is fsynced at every commit, so a committed write survives power loss.
                durable.CommandText = "PRAGMA synchronous = FULL";
                durable.ExecuteNonQuery();
            }

            Select = Command("SELECT etag FROM grain_state WHERE state_name = $state AND grain_id = $grain", "$state", "$grain");
            Delete = Command("DELETE FROM grain_state WHERE state_name = $state AND grain_id = $grain", "$state", "$grain");
            Upsert = Command(
                """
                INSERT INTO grain_state (state_name, grain_id, etag, payload) VALUES ($state, $grain, $etag, $payload)
                ON CONFLICT (state_name, grain_id) DO UPDATE SET etag = excluded.etag, payload = excluded.payload
                """,
                "$state", "$grain", "$etag", "$payload");
        }

        public SqliteConnection Sqlite { get; }

        public SqliteCommand Select { get; }

        public SqliteCommand Delete { get; }

        public SqliteCommand Upsert { get; }

        /// <summary>Microsoft.Data.Sqlite refuses a command outside the connection's open transaction.</summary>
        public void Enlist(SqliteTransaction transaction) => Select.Transaction = Delete.Transaction = Upsert.Transaction = transaction;

        public void Dispose() => Sqlite.Dispose();

        private SqliteCommand Command(string text, params string[] parameters)
        {
            var command = Sqlite.CreateCommand();
            command.CommandText = text;
            foreach (var parameter in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = parameter });
            }

            return command;
        }
    }
}
