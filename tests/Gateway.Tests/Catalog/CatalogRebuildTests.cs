using System.Net;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Catalog;

/// <summary>
/// <c>rebuild-tables</c>, run as the real gateway command in its own process: emptied tables come back from grain state
/// with the same rows (chunk upload times aside: grain state keeps no per-chunk time), exit code 0 and one summary line.
/// </summary>
public sealed class CatalogRebuildTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const string SessionColumns = "id, filename, original_filename, total_size, uploaded_size, status, created_at, completed_at, project_id, file_hash, metadata, protocol, revision";
    private const string ChunkColumns = "upload_session_id, chunk_number, size, status, hash, retry_count";
    private readonly CatalogFile _catalog = new(gateway.StateDirectory);

    [Fact]
    public async Task Emptied_tables_come_back_equal_from_grain_state()
    {
        var file = TestData.RandomBytes((2 * GatewayFixture.ChunkSize) + 3, seed: 1420);
        var upload = await gateway.Api.StartAsync("seed.mp4", file.Length, projectId: "proj-rebuild", metadata: new { n = 1 });
        for (var chunk = 0; chunk < upload.TotalChunks; chunk++)
        {
            // Without X-Chunk-Hash: a client's hash is not kept in grain state, so a rebuild could not bring it back.
            await gateway.Api.PutChunkOkAsync(upload, file, chunk, withHash: false);
        }

        await _catalog.SessionWithStatusAsync(upload.UploadId, "completed");
        var tus = new TusApiClient(gateway.Client);
        var tusId = await tus.CreateAsync("tus.mp4", 10);
        Assert.Equal(HttpStatusCode.NoContent, (await tus.PatchAsync(tusId, 0, file.AsMemory(0, 4))).Status);
        await Eventually.WaitUntilAsync(async () => (await _catalog.SessionAsync(tusId)).SingleOrDefault()?["uploaded_size"] is 4L, "the tus upload's row");

        var before = await SnapshotAsync();
        await _catalog.QueryAsync("DELETE FROM upload_sessions; DELETE FROM upload_chunks; DELETE FROM videos;");
        Assert.Empty(await _catalog.SessionAsync(upload.UploadId));

        await using var rebuild = ServerProcess.Start("rebuild-tables", RepositoryPaths.BuiltAssembly("Gateway", "Orleans.Uploads.Gateway"), gateway.RootDirectory, new Dictionary<string, string>
        {
            ["Uploads__TempDirectory"] = gateway.TempDirectory,
            ["Uploads__FinalDirectory"] = gateway.FinalDirectory,
            ["Uploads__StateDirectory"] = gateway.StateDirectory,
            ["Logging__LogLevel__Default"] = "Warning",
        }, "rebuild-tables");
        await rebuild.WaitForExitAsync(TimeSpan.FromMinutes(1));

        Assert.True(rebuild.ExitCode == 0, rebuild.Output);
        Assert.Matches(@"^rebuild-tables: wrote \d+ upload session\(s\), \d+ chunk\(s\), \d+ video\(s\)$", rebuild.Output.Trim());
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task A_failure_is_one_line_and_exit_code_1()
    {
        var blocker = Path.Combine(gateway.RootDirectory, "not-a-directory");
        await File.WriteAllTextAsync(blocker, "a file where the catalog's folder should be");
        await using var rebuild = ServerProcess.Start("rebuild-tables", RepositoryPaths.BuiltAssembly("Gateway", "Orleans.Uploads.Gateway"), gateway.RootDirectory, new Dictionary<string, string>
        {
            ["Uploads__TempDirectory"] = gateway.TempDirectory,
            ["Uploads__FinalDirectory"] = gateway.FinalDirectory,
            ["Uploads__StateDirectory"] = gateway.StateDirectory,
            ["Catalog__SqlitePath"] = Path.Combine(blocker, "catalog.sqlite"),
            ["Logging__LogLevel__Default"] = "None",
        }, "rebuild-tables");
        await rebuild.WaitForExitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(1, rebuild.ExitCode);
        Assert.StartsWith("rebuild-tables failed: ", Assert.Single(rebuild.Output.Trim().Split('\n')), StringComparison.Ordinal);
    }

    private async Task<string> SnapshotAsync()
    {
        var rows = new List<string>();
        foreach (var (table, columns, order) in new[]
        {
            ("upload_sessions", SessionColumns, "id"),
            ("upload_chunks", ChunkColumns, "upload_session_id, chunk_number"),
            ("videos", "*", "id"),
        })
        {
            foreach (var row in await _catalog.QueryAsync($"SELECT {columns} FROM {table} ORDER BY {order}"))
            {
                rows.Add(table + ": " + string.Join(", ", row.Select(column => $"{column.Key}={column.Value}")));
            }
        }

        return string.Join("\n", rows);
    }
}
