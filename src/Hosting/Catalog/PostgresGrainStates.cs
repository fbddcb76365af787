using System.Runtime.CompilerServices;
using Npgsql;
using Orleans.Storage;
using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Videos;

namespace Orleans.Uploads.Hosting.Catalog;

/// <summary>
/// A cluster's stored session and video states, for <see cref="CatalogRebuild"/>: the rows of <c>orleans_grain_state</c>
/// (0003_grain_state.sql) of the two state names, deserialized with the grain storage serializer. A Guid key is stored
/// by the ADO.NET provider as its 16 bytes split into two little-endian 64-bit halves (grain_id_n0, grain_id_n1).
/// Rows of a cleared state have a NULL payload and are skipped.
/// </summary>
internal static class PostgresGrainStates
{
    public static async IAsyncEnumerable<StoredState> ReadAsync(
        string connectionString, string serviceId, IGrainStorageSerializer serializer, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("""
            SELECT grain_type, grain_id_n0, grain_id_n1, payload FROM orleans_grain_state
            WHERE service_id = @service AND grain_type IN ('session', 'video') AND payload IS NOT NULL
            """);
        command.Parameters.AddWithValue("service", serviceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = GuidOf(reader.GetInt64(1), reader.GetInt64(2));
            var payload = new BinaryData(reader.GetFieldValue<byte[]>(3));
            yield return reader.GetString(0) == "session"
                ? new StoredState(id, serializer.Deserialize<UploadSessionState>(payload), null)
                : new StoredState(id, null, serializer.Deserialize<VideoRecord?>(payload));
        }
    }

    private static Guid GuidOf(long n0, long n1)
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, n0);
        BitConverter.TryWriteBytes(bytes[8..], n1);
        return new Guid(bytes);
    }
}
