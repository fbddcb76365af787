using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Tests.Infrastructure;
using Orleans.Uploads.Grains.Videos;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Grains.Tests;

/// <summary>Partial uploads written in parallel, then assembled into one final upload (tus concatenation).</summary>
public sealed class ConcatenationTests(UploadClusterFixture cluster) : IClassFixture<UploadClusterFixture>
{
    private readonly TestFile _file = new(250_000, seed: 13, extension: ".mkv");

    private async Task<Guid> UploadPartAsync(int start, int length)
    {
        var part = cluster.Grains.Session(Guid.NewGuid());
        Assert.True((await part.InitiateAsync(new InitiateUpload("", length, Mode: UploadMode.Append, Kind: UploadKind.Partial))).IsSuccess);
        var lease = await part.LeaseAsync(0);
        await part.AppendAsync(lease, new ChunkPayload(_file.Bytes.AsMemory(start, length)), commit: true);
        return part.GetPrimaryKey();
    }

    [Fact]
    public async Task Finished_parts_concatenate_into_one_video_and_are_released()
    {
        var parts = await Task.WhenAll(UploadPartAsync(0, 100_000), UploadPartAsync(100_000, 100_000), UploadPartAsync(200_000, 50_000));
        var final = cluster.Grains.Session(Guid.NewGuid());

        var started = await final.InitiateAsync(new InitiateUpload("whole.mkv", null, Mode: UploadMode.Append, Kind: UploadKind.Final, Parts: parts));

        Assert.Equal(UploadStatus.Completed, started.Value!.Status);
        Assert.Equal(_file.Bytes.Length, started.Value.TotalSize);
        Assert.Equal(_file.Sha256, started.Value.FileHash);
        Assert.NotNull(await cluster.Grains.GetGrain<IVideoGrain>(final.GetPrimaryKey()).GetAsync());
        var firstPart = cluster.Grains.Session(parts[0]);
        // The grain is reentrant: it marks the part released before it deletes the bytes, so a caller can see the
        // part unusable while its file is still being removed. Wait for both.
        var firstPartFile = Path.Combine(cluster.TempDirectory, parts[0].ToString("N") + ".part");
        await Eventually.WaitUntilAsync(
            async () => !(await firstPart.Part.DescribePartAsync()).IsUsable && !File.Exists(firstPartFile),
            "the parts to be released and their bytes deleted");
    }

    [Fact]
    public async Task Unfinished_or_unknown_parts_cannot_be_concatenated()
    {
        var unfinished = cluster.Grains.Session(Guid.NewGuid());
        await unfinished.InitiateAsync(new InitiateUpload("", 1000, Mode: UploadMode.Append, Kind: UploadKind.Partial));
        var final = cluster.Grains.Session(Guid.NewGuid());

        var withUnfinished = await final.InitiateAsync(new InitiateUpload("whole.mp4", null, Mode: UploadMode.Append, Kind: UploadKind.Final, Parts: [unfinished.GetPrimaryKey()]));
        var withUnknown = await final.InitiateAsync(new InitiateUpload("whole.mp4", null, Mode: UploadMode.Append, Kind: UploadKind.Final, Parts: [Guid.NewGuid()]));

        Assert.Equal(UploadErrorCode.InvalidRequest, withUnfinished.Code());
        Assert.Equal(UploadErrorCode.InvalidRequest, withUnknown.Code());
    }

    [Fact]
    public async Task A_part_is_not_a_video_and_a_final_upload_takes_no_bytes_of_its_own()
    {
        var partId = await UploadPartAsync(0, 1000);
        var final = cluster.Grains.Session(Guid.NewGuid());
        await final.InitiateAsync(new InitiateUpload("whole.mkv", null, Mode: UploadMode.Append, Kind: UploadKind.Final, Parts: [partId]));

        Assert.Null(await cluster.Grains.GetGrain<IVideoGrain>(partId).GetAsync());
        Assert.Equal(UploadErrorCode.WrongUploadMode, (await final.OpenAsync(Guid.NewGuid(), 1000)).Code());
    }
}
