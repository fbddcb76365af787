using System.Text.Json;
using Npgsql;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Cluster.Tests.RealCluster;

/// <summary>
/// A session's state as stored in PostgreSQL (the grain state's JSON), read without going near the grain: what a
/// crash leaves behind, and what the cleanup did before anyone asked the session. Sessions are found by file name,
/// so tests give theirs a unique one.
/// </summary>
public static class DurableState
{
    public sealed record Session(UploadStatus Status, int StoredChunks);

    public static async Task<Session?> ReadAsync(string connectionString, string filename)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT payload FROM orleans_grain_state WHERE grain_type = 'session' AND payload IS NOT NULL AND position(@name IN payload) > 0",
            connection);
        command.Parameters.AddWithValue("name", System.Text.Encoding.UTF8.GetBytes(filename));
        await using var reader = await command.ExecuteReaderAsync();
        var found = new List<Session>();
        while (await reader.ReadAsync())
        {
            using var state = JsonDocument.Parse((byte[])reader[0]);
            var root = state.RootElement;
            if (root.GetProperty("Filename").GetString() == filename)
            {
                found.Add(new Session((UploadStatus)root.GetProperty("Status").GetInt32(), ChunkBitmap.Count(root.GetProperty("StoredChunks").GetBytesFromBase64())));
            }
        }

        return found.Count switch
        {
            0 => null,
            1 => found[0],
            _ => throw new InvalidOperationException($"{found.Count} sessions are named {filename}"),
        };
    }
}
