using System.Net;
using Npgsql;
using Orleans.Uploads.Harness;
using Xunit.Abstractions;

namespace Orleans.Uploads.Cluster.Tests.RealCluster;

/// <summary>
/// The seed's tables in the cluster's real PostgreSQL: SQL finds the uploads, chunks and videos just made through either
/// gateway, also when the silo hosting an upload is killed mid-upload and the upload finishes on the survivor; and
/// <c>rebuild-tables</c> on the silo brings emptied tables back from the stored grain state.
/// </summary>
[Collection(RealClusterCollection.Name)]
public sealed class CatalogClusterTests(UploadClusterFixture fixture, ITestOutputHelper output) : IClassFixture<UploadClusterFixture>
{
    private static readonly TimeSpan RowsTimeout = TimeSpan.FromSeconds(20);

    private string ConnectionString => fixture.Cluster.Postgres.ConnectionString;

    [Fact]
    public async Task Seed_and_tus_uploads_are_in_postgres_when_completed_is_acknowledged()
    {
        var file = new SeededFile((2 * RealClusterFixture.ChunkSize) + 17, seed: 1430);
        var upload = await fixture.Gateway(0).InitiateAsync($"catalog-{Guid.NewGuid():N}.mp4", file.Size);
        for (var chunk = 0; chunk < file.ChunkCount; chunk++)
        {
            await fixture.Gateway(chunk % 2).PutChunkAsync(upload.UploadId, chunk, file.Chunk(chunk), file.ChunkSha256(chunk));
        }

        await fixture.Gateway(1).CompleteAsync(upload.UploadId);
        Assert.Equal("completed|seed|" + file.Size, await ScalarAsync<string>("SELECT status || '|' || protocol || '|' || uploaded_size FROM upload_sessions WHERE id = @id", upload.UploadId));
        Assert.Equal(
            string.Join(",", Enumerable.Range(0, file.ChunkCount).Select(file.ChunkSha256)),
            await ScalarAsync<string>("SELECT string_agg(hash, ',' ORDER BY chunk_number) FROM upload_chunks WHERE upload_session_id = @id", upload.UploadId));
        Assert.Equal(file.Sha256, await ScalarAsync<string>("SELECT v.file_hash FROM videos v JOIN upload_sessions s ON s.id = v.upload_session_id WHERE s.id = @id", upload.UploadId));

        var tusId = await fixture.Tus(1).CreateAsync("catalog-tus.mp4", file.Size);
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Tus(1).PatchAsync(tusId, 0, file.Bytes)).Status);
        await Eventually.WaitUntilAsync(
            async () => await ScalarAsync<string>("SELECT status || '|' || protocol FROM upload_sessions WHERE id = @id", tusId) == "completed|tus"
                && await ScalarAsync<long>("SELECT count(*) FROM upload_chunks WHERE upload_session_id = @id", tusId) == file.ChunkCount
                && await ScalarAsync<long>("SELECT count(*) FROM videos WHERE upload_session_id = @id", tusId) == 1,
            "the tus upload's rows",
            RowsTimeout);
    }

    [Fact]
    public async Task Rows_are_right_after_the_uploads_silo_is_killed_mid_upload()
    {
        var file = new SeededFile((6 * RealClusterFixture.ChunkSize) + 5, seed: 1431);
        var upload = await fixture.Gateway(0).InitiateAsync($"catalog-kill-{Guid.NewGuid():N}.mp4", file.Size);
        try
        {
            for (var chunk = 0; chunk < 3; chunk++)
            {
                await fixture.Gateway(chunk % 2).PutChunkAsync(upload.UploadId, chunk, file.Chunk(chunk), file.ChunkSha256(chunk));
            }

            var host = HostOf(upload.UploadId);
            await fixture.Cluster.Silos[host]!.Process.KillAsync();
            output.WriteLine($"silo{host}, the upload's host, killed after 3 of {file.ChunkCount} chunks");

            var uploader = new ResilientUploader(fixture.Gateways, file, upload.UploadId, chunks: Enumerable.Range(3, file.ChunkCount - 3));
            uploader.ReleaseAll();
            await uploader.RunAsync();

            await Eventually.WaitUntilAsync(
                async () => await ScalarAsync<string>("SELECT status FROM upload_sessions WHERE id = @id", upload.UploadId) == "completed"
                    && await ScalarAsync<long>("SELECT count(*) FROM videos WHERE upload_session_id = @id", upload.UploadId) == 1,
                "the completed upload's rows",
                RowsTimeout);
            Assert.Equal(
                string.Join(",", Enumerable.Range(0, file.ChunkCount)),
                await ScalarAsync<string>("SELECT string_agg(chunk_number::text, ',' ORDER BY chunk_number) FROM upload_chunks WHERE upload_session_id = @id", upload.UploadId));
            Assert.Equal((long)file.Size, await ScalarAsync<long>("SELECT sum(size)::bigint FROM upload_chunks WHERE upload_session_id = @id", upload.UploadId));
        }
        finally
        {
            await fixture.RestoreQuietlyAsync(output);
        }
    }

    [Fact]
    public async Task Rebuild_tables_on_a_silo_brings_emptied_tables_back()
    {
        var file = new SeededFile(RealClusterFixture.ChunkSize + 3, seed: 1432);
        var upload = await fixture.Gateway(0).InitiateAsync($"catalog-rebuild-{Guid.NewGuid():N}.mp4", file.Size);
        for (var chunk = 0; chunk < file.ChunkCount; chunk++)
        {
            await fixture.Gateway(0).PutChunkAsync(upload.UploadId, chunk, file.Chunk(chunk));
        }

        await fixture.Gateway(0).CompleteAsync(upload.UploadId);
        const string Rows = """
            SELECT (SELECT string_agg(concat_ws('|', id, filename, original_filename, total_size, uploaded_size, status, created_at, completed_at, project_id, file_hash, metadata, protocol, revision), ';' ORDER BY id) FROM upload_sessions WHERE id = @id)
                || '#' || (SELECT string_agg(concat_ws('|', upload_session_id, chunk_number, size, status, hash, retry_count), ';' ORDER BY upload_session_id, chunk_number) FROM upload_chunks WHERE upload_session_id = @id)
                || '#' || (SELECT string_agg(concat_ws('|', id, upload_session_id, project_id, filename, original_filename, size, status, created_at, file_hash, metadata, scan_status), ';' ORDER BY id) FROM videos WHERE id = @id)
            """;
        var before = await ScalarAsync<string>(Rows, upload.UploadId);
        await ScalarAsync<object>("DELETE FROM upload_sessions; DELETE FROM upload_chunks; DELETE FROM videos; SELECT 1", upload.UploadId);

        await using var rebuild = ServerProcess.Start(
            "rebuild-tables", RepositoryPaths.BuiltAssembly("Silo", "Orleans.Uploads.Silo"), fixture.Cluster.StorageDirectory, fixture.Cluster.ClusterEnvironment, "rebuild-tables");
        await rebuild.WaitForExitAsync(TimeSpan.FromMinutes(1));

        Assert.True(rebuild.ExitCode == 0, rebuild.Output);
        Assert.Contains("rebuild-tables: wrote ", rebuild.Output, StringComparison.Ordinal);
        Assert.Equal(before, await ScalarAsync<string>(Rows, upload.UploadId));
    }

    private async Task<T?> ScalarAsync<T>(string sql, Guid id)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync() is T value ? value : default;
    }

    /// <summary>The silo whose session grain logged the upload's initiation: the one hosting it.</summary>
    private int HostOf(Guid uploadId) => Assert.Single(fixture.Cluster.Silos
        .Select((silo, index) => (silo, index))
        .Where(entry => entry.silo!.Process.Output.Contains($"Upload session {uploadId} initiated", StringComparison.Ordinal))
        .Select(entry => entry.index));
}
