using System.Net;
using System.Text.Json;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests;

/// <summary>POST /api/uploads/initiate: the created session, every refusal, and file-name sanitizing.</summary>
public sealed class InitiateTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const int Chunk = GatewayFixture.ChunkSize;
    private readonly UploadsApiClient _api = gateway.Api;

    [Fact]
    public async Task Initiate_creates_a_session_with_the_default_chunk_layout()
    {
        var before = DateTimeOffset.UtcNow;
        using var response = await _api.SendInitiateAsync(new { filename = "holiday.mp4", fileSize = (2 * Chunk) + 1000 });

        var body = await HttpAssert.JsonAsync(response, HttpStatusCode.Created);
        var uploadId = body.GetProperty("uploadId").GetGuid();
        Assert.NotEqual(Guid.Empty, uploadId);
        Assert.Equal(Chunk, body.GetProperty("chunkSize").GetInt32());
        Assert.Equal(3, body.GetProperty("totalChunks").GetInt32());
        Assert.Equal("initiated", body.GetProperty("status").GetString());
        Assert.InRange(body.GetProperty("expiresAt").GetDateTimeOffset(), before.AddMinutes(59), before.AddMinutes(61));
        Assert.Equal($"/api/uploads/{uploadId}", response.Headers.Location?.OriginalString);

        // The Location names a session that exists.
        var status = await _api.GetOkAsync(response.Headers.Location!.OriginalString);
        Assert.Equal("initiated", status.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData(65536, 1, 65536)]
    [InlineData(131072, 4, 4 * 131072)]
    [InlineData(131072, 4, (3 * 131072) + 1)]
    [InlineData(33554432, 1, 4000000)]
    public async Task Initiate_divides_the_file_by_the_requested_chunk_size(int chunkSize, int expectedChunks, int fileSize)
    {
        using var response = await _api.SendInitiateAsync(new { filename = "a.mov", fileSize, chunkSize });

        var body = await HttpAssert.JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal(chunkSize, body.GetProperty("chunkSize").GetInt32());
        Assert.Equal(expectedChunks, body.GetProperty("totalChunks").GetInt32());
    }

    [Theory]
    [InlineData("clip.mp4")]
    [InlineData("clip.AVI")]
    [InlineData("clip.mov")]
    [InlineData("clip.mkv")]
    [InlineData("clip.webm")]
    public async Task Initiate_accepts_every_allowed_video_type(string filename)
    {
        using var response = await _api.SendInitiateAsync(new { filename, fileSize = 1000 });

        await HttpAssert.JsonAsync(response, HttpStatusCode.Created);
    }

    [Fact]
    public async Task Initiate_accepts_project_hash_and_metadata()
    {
        var hash = new string('a', 64);
        using var response = await _api.SendInitiateAsync(new
        {
            filename = "x.mp4",
            fileSize = 100,
            projectId = "proj_1.a-b",
            fileHash = hash.ToUpperInvariant(),
            metadata = new { title = "t", tags = new[] { "a", "b" } },
        });

        await HttpAssert.JsonAsync(response, HttpStatusCode.Created);
    }

    [Fact]
    public async Task File_larger_than_the_limit_is_refused()
    {
        using var response = await _api.SendInitiateAsync(new { filename = "big.mp4", fileSize = GatewayFixture.MaxFileSize + 1 });

        await HttpAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "file_too_large");
    }

    [Fact]
    public async Task File_exactly_at_the_limit_is_accepted()
    {
        using var response = await _api.SendInitiateAsync(new { filename = "big.mp4", fileSize = GatewayFixture.MaxFileSize });

        await HttpAssert.JsonAsync(response, HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("virus.exe")]
    [InlineData("notes.txt")]
    [InlineData("no-extension")]
    [InlineData("clip.mp4.exe")]
    public async Task Unsupported_file_type_is_refused(string filename)
    {
        using var response = await _api.SendInitiateAsync(new { filename, fileSize = 1000 });

        await HttpAssert.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_file_type");
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("")]
    [InlineData("[1, 2]")]
    [InlineData("\"clip.mp4\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("{\"filename\": \"a.mp4\", \"fileSize\": \"big\"}")]
    [InlineData("{\"filename\": 7, \"fileSize\": 10}")]
    public async Task Body_that_is_not_an_initiate_object_is_invalid_json(string json)
    {
        using var response = await _api.SendInitiateJsonAsync(json);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_json");
    }

    [Theory]
    [InlineData("{\"fileSize\": 10}")]
    [InlineData("{\"filename\": \"\", \"fileSize\": 10}")]
    [InlineData("{\"filename\": \"   \", \"fileSize\": 10}")]
    [InlineData("{\"filename\": \"../\", \"fileSize\": 10}")]
    [InlineData("{\"filename\": \"...\", \"fileSize\": 10}")]
    public async Task Missing_or_empty_filename_is_refused(string json)
    {
        using var response = await _api.SendInitiateJsonAsync(json);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_filename");
    }

    [Theory]
    [InlineData("{\"filename\": \"a.mp4\"}")]
    [InlineData("{\"filename\": \"a.mp4\", \"fileSize\": null}")]
    [InlineData("{\"filename\": \"a.mp4\", \"fileSize\": 0}")]
    [InlineData("{\"filename\": \"a.mp4\", \"fileSize\": -5}")]
    public async Task Missing_zero_or_negative_file_size_is_refused(string json)
    {
        using var response = await _api.SendInitiateJsonAsync(json);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_file_size");
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(65535)]
    [InlineData(33554433)]
    [InlineData(0)]
    [InlineData(-65536)]
    public async Task Chunk_size_outside_the_allowed_range_is_refused(int chunkSize)
    {
        using var response = await _api.SendInitiateAsync(new { filename = "a.mp4", fileSize = 1000, chunkSize });

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_chunk_size");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task File_hash_that_is_not_64_hex_digits_is_refused(string fileHash)
    {
        using var response = await _api.SendInitiateAsync(new { filename = "a.mp4", fileSize = 1000, fileHash });

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_file_hash");
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("../etc")]
    [InlineData("ünïcode")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Invalid_project_id_is_refused(string projectId)
    {
        using var response = await _api.SendInitiateAsync(new { filename = "a.mp4", fileSize = 1000, projectId });

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_project_id");
    }

    [Theory]
    [InlineData("\"text\"")]
    [InlineData("[1, 2]")]
    [InlineData("3")]
    [InlineData("true")]
    public async Task Metadata_that_is_not_an_object_is_refused(string metadata)
    {
        using var response = await _api.SendInitiateJsonAsync($"{{\"filename\": \"a.mp4\", \"fileSize\": 1000, \"metadata\": {metadata}}}");

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_metadata");
    }

    [Fact]
    public async Task Oversized_metadata_is_refused()
    {
        var metadata = new { notes = new string('n', 17 * 1024) };
        using var response = await _api.SendInitiateAsync(new { filename = "a.mp4", fileSize = 1000, metadata });

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_metadata");
    }

    [Theory]
    [InlineData("../../etc/passwd.mp4", "passwd.mp4")]
    [InlineData("..\\..\\x.mp4", "x.mp4")]
    [InlineData("/var/tmp/../abs.mp4", "abs.mp4")]
    public async Task Path_traversal_filenames_are_reduced_to_their_last_segment_and_stored_by_upload_id(string filename, string shownAs)
    {
        var file = TestData.RandomBytes(Chunk + 333, seed: 11);
        var upload = await _api.StartAsync(filename, file.Length);

        var status = await _api.GetStatusOkAsync(upload.UploadId);
        Assert.Equal(shownAs, status.GetProperty("filename").GetString());

        await _api.PutAllChunksAsync(upload, file);
        using var completed = await _api.SendCompleteAsync(upload.UploadId);
        var video = await HttpAssert.JsonAsync(completed, HttpStatusCode.OK);

        var storageKey = TestData.StorageKey(upload.UploadId);
        Assert.Equal(storageKey, video.GetProperty("filename").GetString());
        Assert.Equal(shownAs, video.GetProperty("originalName").GetString());
        var stored = Path.Combine(gateway.FinalDirectory, storageKey);
        Assert.Equal(file, await File.ReadAllBytesAsync(stored));

        // Nothing was written outside the three configured directories, and no file carries the client's name.
        Assert.Equal(
            ["final", "state", "temp"],
            Directory.EnumerateFileSystemEntries(gateway.RootDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var everything = Directory.EnumerateFiles(gateway.RootDirectory, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.DoesNotContain(everything, name => name!.Contains(shownAs, StringComparison.OrdinalIgnoreCase) || name.Contains("..", StringComparison.Ordinal));
        Assert.All(
            Directory.EnumerateFiles(gateway.FinalDirectory).Select(Path.GetFileName),
            name => Assert.Matches("^[0-9a-f]{32}\\.mp4$", name));
        foreach (var directory in new[] { gateway.TempDirectory, gateway.FinalDirectory })
        {
            Assert.False(File.Exists(Path.Combine(directory, filename)));
            Assert.False(File.Exists(Path.GetFullPath(Path.Combine(directory, filename.Replace('\\', '/')))));
        }

        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), shownAs)));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(gateway.RootDirectory)!, shownAs)));
    }

    [Fact]
    public async Task Every_initiate_gets_its_own_upload_id()
    {
        var ids = new HashSet<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await _api.StartAsync("same.mp4", 1234)).UploadId);
        }

        Assert.Equal(5, ids.Count);
    }

    [Fact]
    public async Task Unknown_json_members_are_ignored()
    {
        using var response = await _api.SendInitiateJsonAsync("{\"filename\": \"a.mp4\", \"fileSize\": 5000, \"extra\": {\"x\": 1}}");

        var body = await HttpAssert.JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal(JsonValueKind.String, body.GetProperty("uploadId").ValueKind);
    }
}
