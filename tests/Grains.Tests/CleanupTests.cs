using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Tests.Infrastructure;
using Orleans.Uploads.Grains.Videos;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Grains.Tests;

/// <summary>A cluster whose cleanup reminder fires every second and whose uploads time out after three.</summary>
public sealed class FastCleanupClusterFixture : UploadClusterFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
    [
        new("Uploads:UploadTimeout", "00:00:03"),
        new("Cleanup:ReminderPeriod", "00:00:01"),
        new("Cleanup:BucketWidth", "00:00:01"),
        new("Cleanup:Retention", "00:00:03"),
        new("Cleanup:OrphanGracePeriod", "00:00:02"),
    ];
}

public sealed class CleanupTests(FastCleanupClusterFixture cluster) : IClassFixture<FastCleanupClusterFixture>
{
    private readonly TestFile _file = new(200_000, seed: 21);

    [Fact]
    public async Task The_reminder_expires_abandoned_sessions_and_leaves_active_and_completed_ones()
    {
        var abandoned = await cluster.Grains.StartAsync(_file);
        await abandoned.PutAsync(_file, 0);
        var completed = await cluster.Grains.StartAsync(_file);
        for (var chunk = 0; chunk < _file.Layout.TotalChunks; chunk++)
        {
            await completed.PutAsync(_file, chunk);
        }

        var active = cluster.Grains.Session(Guid.NewGuid());
        await active.InitiateAsync(new InitiateUpload("live.mp4", null, Mode: UploadMode.Append));
        var lease = await active.LeaseAsync(0);
        await active.AppendAsync(lease, new ChunkPayload(VideoHeaders.For(".mp4")), commit: true);

        // Keep one upload busy, a byte at a time, until the reminder has expired the abandoned one. Only the file
        // is watched: asking the abandoned session itself would expire it on the spot, without the reminder.
        await Eventually.WaitUntilAsync(
            async () =>
            {
                await active.AppendAsync(lease, new ChunkPayload(new byte[] { 1 }), commit: true);
                return !File.Exists(TempPath(abandoned.GetPrimaryKey()));
            },
            "the abandoned upload's temp data to be removed");

        Assert.Equal(UploadStatus.Expired, (await abandoned.SnapshotAsync()).Status);
        Assert.Equal(UploadStatus.Uploading, (await active.SnapshotAsync()).Status);
        Assert.True(File.Exists(TempPath(active.GetPrimaryKey())));
        Assert.Equal(UploadStatus.Completed, (await completed.SnapshotAsync()).Status);
        var video = await cluster.Grains.GetGrain<IVideoGrain>(completed.GetPrimaryKey()).GetAsync();
        Assert.True(File.Exists(Path.Combine(cluster.FinalDirectory, video!.Filename)));
    }

    [Fact]
    public async Task An_expired_session_answers_expired_until_its_retention_ends_then_is_forgotten()
    {
        var session = await cluster.Grains.StartAsync(_file);

        await Eventually.WaitUntilAsync(async () => (await session.GetAsync()).Value?.Status == UploadStatus.Expired, "the upload to expire");

        // Only the cleanup removes an ended session's bookkeeping.
        await Eventually.WaitUntilAsync(async () => (await session.GetAsync()).Code() == UploadErrorCode.UploadNotFound, "the expired upload to be forgotten");
    }

    [Fact]
    public async Task Orphaned_temp_files_are_deleted_and_owned_ones_kept()
    {
        var orphan = Guid.NewGuid();
        var orphanPath = TempPath(orphan);
        await File.WriteAllBytesAsync(orphanPath, new byte[1000]);
        File.SetLastWriteTimeUtc(orphanPath, DateTime.UtcNow.AddHours(-1));

        var owned = cluster.Grains.Session(Guid.NewGuid());
        await owned.InitiateAsync(new InitiateUpload("kept.mp4", null, Mode: UploadMode.Append));
        var ownedPath = TempPath(owned.GetPrimaryKey());

        // Old file times, but the session is alive: touching it keeps it from expiring.
        var lease = await owned.LeaseAsync(0);
        await owned.AppendAsync(lease, new ChunkPayload(VideoHeaders.For(".mp4")), commit: true);
        await Eventually.WaitUntilAsync(
            async () =>
            {
                await owned.AppendAsync(lease, new ChunkPayload(new byte[] { 1 }), commit: true);
                File.SetLastWriteTimeUtc(ownedPath, DateTime.UtcNow.AddHours(-1));
                return !File.Exists(orphanPath);
            },
            "the orphaned temp file to be deleted");

        Assert.True(File.Exists(ownedPath));
    }

    private string TempPath(Guid uploadId) => Path.Combine(cluster.TempDirectory, uploadId.ToString("N") + ".part");
}
