using Microsoft.Data.Sqlite;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Catalog;

/// <summary>
/// The standalone gateway's SQLite catalog (catalog.sqlite next to the grain state), read the way a platform would:
/// plain SQL through Microsoft.Data.Sqlite. Rows come back as column-name dictionaries so tests compare whole rows.
/// </summary>
public sealed class CatalogFile(string stateDirectory)
{
    public string Path { get; } = System.IO.Path.Combine(stateDirectory, "catalog.sqlite");

    public async Task<List<Dictionary<string, object?>>> QueryAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new SqliteConnection($"Data Source={Path};Mode=ReadWrite");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var rows = new List<Dictionary<string, object?>>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, object?>();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public Task<List<Dictionary<string, object?>>> SessionAsync(Guid uploadId) =>
        QueryAsync("SELECT * FROM upload_sessions WHERE id = @id", ("id", uploadId.ToString("D")));

    public Task<List<Dictionary<string, object?>>> ChunksAsync(Guid uploadId) =>
        QueryAsync("SELECT * FROM upload_chunks WHERE upload_session_id = @id ORDER BY chunk_number", ("id", uploadId.ToString("D")));

    public Task<List<Dictionary<string, object?>>> VideoAsync(Guid videoId) =>
        QueryAsync("SELECT * FROM videos WHERE id = @id", ("id", videoId.ToString("D")));

    /// <summary>Waits until the session's row shows <paramref name="status"/> (the projector writes within a second).</summary>
    public Task<Dictionary<string, object?>> SessionWithStatusAsync(Guid uploadId, string status) => Eventually.WaitForAsync(
        async () => (await SessionAsync(uploadId)).SingleOrDefault(row => (string?)row["status"] == status),
        $"upload {uploadId} with status {status} in upload_sessions",
        TimeSpan.FromSeconds(20));
}
