using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Hosting;

/// <summary>
/// The seed's log lines (initiated with the size in MB, each chunk at debug, failed with the reason) and the scope every
/// line of an upload's calls carries on the silo: its id, project and protocol, so one upload's story can be filtered out.
/// </summary>
public sealed class SessionLogScopeTests(SessionLogScopeTests.LoggedGatewayFixture gateway) : IClassFixture<SessionLogScopeTests.LoggedGatewayFixture>
{
    private const int Chunk = GatewayFixture.ChunkSize;
    private readonly UploadsApiClient _api = gateway.Api;

    [Fact]
    public async Task Seed_upload_lines_carry_its_id_project_and_protocol()
    {
        var file = TestData.RandomBytes((2 * Chunk) + 10, seed: 71);
        var upload = await _api.StartAsync("scoped.mp4", file.Length, projectId: "proj-logs");
        await _api.PutChunkOkAsync(upload, file, 1);

        var initiated = Single(upload.UploadId, $"Upload session {upload.UploadId} initiated: scoped.mp4 (0.1MB)");
        Assert.Equal(LogLevel.Information, initiated.Level);
        AssertScope(initiated, upload.UploadId, "proj-logs", "seed");

        var chunk = Single(upload.UploadId, $"Chunk 1 uploaded for session {upload.UploadId}");
        Assert.Equal(LogLevel.Debug, chunk.Level);
        AssertScope(chunk, upload.UploadId, "proj-logs", "seed");
    }

    [Fact]
    public async Task A_failed_upload_logs_its_reason_as_an_error_in_its_scope()
    {
        var file = TestData.RandomBytes(Chunk, seed: 72);
        var upload = await _api.StartAsync("failing.mp4", file.Length, projectId: "proj-fail", fileHash: TestData.Sha256Hex(new byte[] { 1 }));
        await _api.PutChunkOkAsync(upload, file, 0);

        var failed = gateway.Logs.GetSnapshot().Single(r => r.Message.StartsWith($"Upload session {upload.UploadId} failed: ", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Error, failed.Level);
        Assert.Contains(TestData.Sha256Hex(file), failed.Message, StringComparison.Ordinal);
        AssertScope(failed, upload.UploadId, "proj-fail", "seed");
    }

    [Fact]
    public async Task Tus_appends_log_their_durable_offset_in_a_tus_scope()
    {
        var tus = new TusApiClient(gateway.Client);
        var uploadId = await tus.CreateAsync("appended.mp4", 300);
        await tus.PatchAsync(uploadId, 0, TestData.RandomBytes(300, seed: 73));

        var stored = Single(uploadId, $"Upload session {uploadId} stored up to byte 300");
        Assert.Equal(LogLevel.Debug, stored.Level);
        AssertScope(stored, uploadId, "default", "tus");
    }

    [Fact]
    public async Task Ietf_draft_uploads_log_in_an_ietf_scope()
    {
        using var created = await new Ietf.IetfClient(gateway.Client, 8).CreateAsync(
            complete: true, TestData.RandomBytes(300, seed: 74), headers: ("Content-Disposition", "attachment; filename=\"draft.mp4\""));
        await HttpAssert.StatusAsync(created, System.Net.HttpStatusCode.Created);
        var uploadId = Tus.TusClient.IdOf(created);

        AssertScope(Single(uploadId, $"Upload session {uploadId} stored up to byte 300"), uploadId, "default", "ietf");
    }

    private FakeLogRecord Single(Guid uploadId, string message) =>
        Assert.Single(gateway.Logs.GetSnapshot(), r => r.Message == message && r.Message.Contains(uploadId.ToString(), StringComparison.Ordinal));

    private static void AssertScope(FakeLogRecord record, Guid uploadId, string projectId, string protocol)
    {
        var fields = record.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>().SelectMany(scope => scope).ToList();
        Assert.Contains(new KeyValuePair<string, object?>("UploadId", uploadId), fields);
        Assert.Contains(new KeyValuePair<string, object?>("ProjectId", projectId), fields);
        Assert.Contains(new KeyValuePair<string, object?>("Protocol", protocol), fields);
    }

    /// <summary>A gateway whose upload grains log at debug into a collector the tests read.</summary>
    public sealed class LoggedGatewayFixture : GatewayFixture
    {
        public FakeLogCollector Logs => Services.GetFakeLogCollector();

        protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings() =>
            [new("Logging:LogLevel:Orleans.Uploads.Grains", "Debug")];

        protected override void ConfigureServices(IServiceCollection services) => services.AddLogging(logging => logging.AddFakeLogging());
    }
}
