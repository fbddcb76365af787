using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Orleans.Storage;

namespace Orleans.Uploads.Hosting.GrainStorage;

/// <summary>
/// Grain state for the standalone server (no database to set up): one table in <c>grains.sqlite</c> in the state
/// directory, a row per grain state with its ETag. Before this, each write made a new file, fsynced it and renamed it
/// over the old one: with a dozen state writes per upload, small uploads spent their time allocating inodes and
/// waiting for one fsync each. Here writes waiting together share one commit (<see cref="GrainStateWriter"/>) and
/// reads go through their own pooled connections, which WAL journaling lets run beside the writer.
/// State files the file storage left behind are still read, and each moves into the table at its grain's next write.
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage, IDisposable
{
    public const string FileName = "grains.sqlite";

    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS grain_state
        (
            state_name TEXT NOT NULL,
            grain_id   TEXT NOT NULL,
            etag       TEXT NOT NULL,
            payload    BLOB NOT NULL,
            PRIMARY KEY (state_name, grain_id)
        ) WITHOUT ROWID;
        """;

    private readonly string _connectionString;
    private readonly IGrainStorageSerializer _serializer;
    private readonly GrainStateFiles? _files;
    private readonly GrainStateWriter _writer;

    public SqliteGrainStorage(string stateDirectory, IGrainStorageSerializer serializer)
    {
        Directory.CreateDirectory(stateDirectory);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(stateDirectory, FileName),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30, // also how long a statement waits for another process's lock (the rebuild command's, a test's second silo)
        }.ToString();
        _serializer = serializer;
        using (var connection = Open(_connectionString))
        using (var command = connection.CreateCommand())
        {
            command.CommandText = Schema;
            command.ExecuteNonQuery();
        }

        var files = new GrainStateFiles(stateDirectory);
        _files = files.AnyLeft() ? files : null;
        _writer = new GrainStateWriter(_connectionString, _files);
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = await ReadRowAsync(stateName, grainId).ConfigureAwait(false);
        if (stored is null && _files is not null)
        {
            stored = await _files.ReadAsync(stateName, grainId).ConfigureAwait(false);
        }

        if (stored is not { } row)
        {
            grainState.RecordExists = false;
            grainState.ETag = null;
            return;
        }

        grainState.State = _serializer.Deserialize<T>(new BinaryData(row.Payload))!;
        grainState.ETag = row.ETag;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = _serializer.Serialize(grainState.State).ToArray();
        grainState.ETag = await _writer.WriteAsync(stateName, grainId, grainState.ETag, payload).ConfigureAwait(false);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await _writer.WriteAsync(stateName, grainId, grainState.ETag, payload: null).ConfigureAwait(false);
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    /// <summary>Every grain with state under <paramref name="stateName"/>, in the table or still in a file.</summary>
    public async IAsyncEnumerable<GrainId> GrainIdsAsync(string stateName, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        HashSet<GrainId>? seen = _files is null ? null : []; // only state files can repeat a row's grain
        await using (var connection = Open(_connectionString))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT grain_id FROM grain_state WHERE state_name = $state";
            command.Parameters.AddWithValue("$state", stateName);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (GrainId.TryParse(reader.GetString(0), out var grainId))
                {
                    seen?.Add(grainId);
                    yield return grainId;
                }
            }
        }

        foreach (var grainId in _files?.GrainIds(stateName) ?? [])
        {
            if (seen!.Add(grainId))
            {
                yield return grainId;
            }
        }
    }

    public void Dispose() => _writer.Dispose();

    internal static SqliteConnection Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }

    private async Task<(string ETag, byte[] Payload)?> ReadRowAsync(string stateName, GrainId grainId)
    {
        await using var connection = Open(_connectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT etag, payload FROM grain_state WHERE state_name = $state AND grain_id = $grain";
        command.Parameters.AddWithValue("$state", stateName);
        command.Parameters.AddWithValue("$grain", grainId.ToString());
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        return await reader.ReadAsync().ConfigureAwait(false) ? (reader.GetString(0), (byte[])reader.GetValue(1)) : null;
    }
}
