using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Tests.Infrastructure;

namespace Orleans.Uploads.Grains.Tests;

public sealed class InitiateTests(UploadClusterFixture cluster) : IClassFixture<UploadClusterFixture>
{
    private SessionUnderTest NewSession() => cluster.Grains.Session(Guid.NewGuid());

    [Fact]
    public async Task A_new_session_records_its_layout_and_starts_initiated()
    {
        var result = await NewSession().InitiateAsync(new InitiateUpload("clip.MP4", 200_000, "project-1", 65_536, MetadataJson: """{"camera":"front"}"""));

        var snapshot = result.Value!;
        Assert.Equal(UploadStatus.Initiated, snapshot.Status);
        Assert.Equal(4, snapshot.TotalChunks);
        Assert.Equal(new[] { 0, 1, 2, 3 }, snapshot.MissingChunks);
        Assert.Equal("project-1", snapshot.ProjectId);
        Assert.Equal("""{"camera":"front"}""", snapshot.MetadataJson);
        Assert.True(snapshot.ExpiresAt > snapshot.CreatedAt);
    }

    [Fact]
    public async Task A_client_file_name_is_reduced_to_its_last_segment()
    {
        var result = await NewSession().InitiateAsync(new InitiateUpload("../../etc\\..\\passwd.mp4", 1000));

        Assert.Equal("passwd.mp4", result.Value!.Filename);
    }

    [Theory]
    [InlineData("clip.exe", UploadErrorCode.UnsupportedFileType)]
    [InlineData("clip", UploadErrorCode.UnsupportedFileType)]
    [InlineData("  ", UploadErrorCode.InvalidFilename)]
    [InlineData("../..", UploadErrorCode.InvalidFilename)]
    public async Task Names_without_an_allowed_video_extension_are_refused(string filename, UploadErrorCode expected)
    {
        var result = await NewSession().InitiateAsync(new InitiateUpload(filename, 1000));

        Assert.Equal(expected, result.Code());
    }

    [Theory]
    [InlineData(UploadClusterFixture.MaxFileSize + 1, null, UploadErrorCode.FileTooLarge)]
    [InlineData(0L, null, UploadErrorCode.InvalidFileSize)]
    [InlineData(-5L, null, UploadErrorCode.InvalidFileSize)]
    [InlineData(1000L, 1024, UploadErrorCode.InvalidChunkSize)]
    [InlineData(1000L, 64 * 1024 * 1024, UploadErrorCode.InvalidChunkSize)]
    public async Task Sizes_outside_the_limits_are_refused(long fileSize, int? chunkSize, UploadErrorCode expected)
    {
        var result = await NewSession().InitiateAsync(new InitiateUpload("clip.mp4", fileSize, ChunkSize: chunkSize));

        Assert.Equal(expected, result.Code());
    }

    [Fact]
    public async Task A_malformed_file_hash_is_refused()
    {
        var result = await NewSession().InitiateAsync(new InitiateUpload("clip.mp4", 1000, FileHash: "abc"));

        Assert.Equal(UploadErrorCode.InvalidFileHash, result.Code());
    }

    [Fact]
    public async Task An_upload_id_cannot_be_initiated_twice()
    {
        var session = NewSession();
        await session.InitiateAsync(new InitiateUpload("clip.mp4", 1000));

        var again = await session.InitiateAsync(new InitiateUpload("other.mp4", 2000));

        Assert.Equal(UploadErrorCode.InvalidRequest, again.Code());
        Assert.Equal("clip.mp4", (await session.SnapshotAsync()).Filename);
    }

    [Fact]
    public async Task An_unknown_upload_is_not_found_and_is_not_created_by_looking()
    {
        var session = NewSession();

        Assert.Equal(UploadErrorCode.UploadNotFound, (await session.GetAsync()).Code());
        Assert.Equal(UploadErrorCode.UploadNotFound, (await session.PutChunkAsync(0, new ChunkPayload(new byte[10]), null)).Code());
        Assert.Equal(UploadErrorCode.UploadNotFound, (await session.CompleteAsync()).Code());
        Assert.Equal(UploadErrorCode.UploadNotFound, (await session.CancelAsync()).Code());
        Assert.Null(await session.Chunks.GetLayoutAsync());
    }
}
