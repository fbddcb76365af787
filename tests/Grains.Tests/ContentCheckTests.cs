using System.Text;
using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Tests.Infrastructure;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Grains.Tests;

/// <summary>
/// The session refuses first bytes that are no container of the upload's extension, whichever way they come, before
/// they are stored, and keeps what it had accepted: the upload stays open for the right bytes.
/// </summary>
public sealed class ContentCheckTests(UploadClusterFixture cluster) : IClassFixture<UploadClusterFixture>
{
    private static readonly byte[] Text = Encoding.ASCII.GetBytes("These are meeting notes, not a video. ");

    [Fact]
    public async Task A_text_chunk_zero_arriving_last_is_refused_and_the_right_one_still_completes_the_upload()
    {
        var file = new TestFile(200_000, seed: 31);
        var session = await cluster.Grains.StartAsync(file, "notes.mp4");
        for (var chunk = 1; chunk < file.Layout.TotalChunks; chunk++)
        {
            await session.PutAsync(file, chunk);
        }

        var textChunk = file.Chunk(0).Data.ToArray();
        Text.CopyTo(textChunk, 0);
        var refused = await session.PutChunkAsync(0, new ChunkPayload(textChunk), null);

        Assert.Equal(UploadErrorCode.ContentMismatch, refused.Code());
        var after = await session.SnapshotAsync();
        Assert.Equal(UploadStatus.Uploading, after.Status);
        Assert.Equal(file.Layout.TotalChunks - 1, after.CompletedChunks);
        Assert.Equal(UploadStatus.Completed, (await session.PutAsync(file, 0)).Status);
    }

    [Theory]
    [InlineData(".mp4")]
    [InlineData(".mov")]
    [InlineData(".avi")]
    [InlineData(".mkv")]
    [InlineData(".webm")]
    public async Task Every_default_extension_takes_its_own_header_and_refuses_another(string extension)
    {
        var other = extension is ".mkv" or ".webm" ? ".avi" : ".mkv";
        var wrong = new TestFile(100_000, seed: 32, extension: other);
        var right = new TestFile(100_000, seed: 32, extension: extension);
        var session = await cluster.Grains.StartAsync(right, "clip" + extension);

        Assert.Equal(UploadErrorCode.ContentMismatch, (await session.PutChunkAsync(0, wrong.Chunk(0), null)).Code());
        Assert.True((await session.PutChunkAsync(0, right.Chunk(0), null)).IsSuccess);
    }

    [Fact]
    public async Task An_append_shorter_than_the_signature_is_judged_with_the_bytes_that_follow()
    {
        var file = new TestFile(1_000, seed: 33, extension: ".avi");
        var session = cluster.Grains.Session(Guid.NewGuid());
        Assert.True((await session.InitiateAsync(new InitiateUpload("clip.avi", file.Bytes.Length, Mode: UploadMode.Append))).IsSuccess);

        // "RIFF" fits; whether it is an AVI shows only at bytes 8 to 11, which the next request brings.
        var lease = await session.LeaseAsync(0);
        Assert.True((await session.AppendAsync(lease, new ChunkPayload(file.Bytes.AsMemory(0, 4)), commit: true, last: true)).IsSuccess);
        var wave = file.Bytes[4..20];
        Encoding.ASCII.GetBytes("WAVE").CopyTo(wave, 4);
        var next = await session.LeaseAsync(4);
        var refused = await session.AppendAsync(next, new ChunkPayload(wave), commit: true, last: true);

        Assert.Equal(UploadErrorCode.ContentMismatch, refused.Code());
        Assert.Equal(4, (await session.SnapshotAsync()).UploadedBytes);
        var again = await session.LeaseAsync(4);
        var rest = await session.AppendAsync(again, new ChunkPayload(file.Bytes.AsMemory(4)), commit: true, last: true);
        Assert.Equal(UploadStatus.Completed, rest.Value!.Status);
    }

    [Fact]
    public async Task A_file_shorter_than_its_signature_is_refused_at_initiation_and_when_its_length_is_declared()
    {
        var tiny = cluster.Grains.Session(Guid.NewGuid());
        Assert.Equal(UploadErrorCode.ContentMismatch, (await tiny.InitiateAsync(new InitiateUpload("tiny.mp4", 5, Mode: UploadMode.Append))).Code());

        var deferred = cluster.Grains.Session(Guid.NewGuid());
        Assert.True((await deferred.InitiateAsync(new InitiateUpload("late.mkv", null, Mode: UploadMode.Append))).IsSuccess);
        var lease = await deferred.LeaseAsync(0);
        Assert.True((await deferred.AppendAsync(lease, new ChunkPayload(VideoHeaders.For(".mkv").AsMemory(0, 2)), commit: true, last: true)).IsSuccess);

        Assert.Equal(UploadErrorCode.ContentMismatch, (await deferred.DeclareLengthAsync(2)).Code());
        Assert.Equal(UploadStatus.Uploading, (await deferred.SnapshotAsync()).Status);
    }

    [Fact]
    public async Task A_final_upload_of_text_parts_is_refused_and_the_parts_stay_usable()
    {
        var part = cluster.Grains.Session(Guid.NewGuid());
        Assert.True((await part.InitiateAsync(new InitiateUpload("", Text.Length, Mode: UploadMode.Append, Kind: UploadKind.Partial))).IsSuccess);
        var lease = await part.LeaseAsync(0);
        Assert.True((await part.AppendAsync(lease, new ChunkPayload(Text), commit: true, last: true)).IsSuccess);

        var final = cluster.Grains.Session(Guid.NewGuid());
        var refused = await final.InitiateAsync(new InitiateUpload("notes.webm", null, Mode: UploadMode.Append, Kind: UploadKind.Final, Parts: [part.Id]));

        Assert.Equal(UploadErrorCode.ContentMismatch, refused.Code());
        Assert.Equal(UploadErrorCode.UploadNotFound, (await final.GetAsync()).Code());
        Assert.False(File.Exists(Path.Combine(cluster.TempDirectory, final.Id.ToString("N") + ".part")));
        Assert.True((await part.Part.DescribePartAsync()).IsUsable);
    }
}
