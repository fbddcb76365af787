using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Tests.Infrastructure;

namespace Orleans.Uploads.Grains.Tests;

/// <summary>Its own cluster: <c>Uploads:VerifyStoredChunks</c> re-reads every stored chunk at completion.</summary>
public sealed class VerifyingClusterFixture : UploadClusterFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => [new("Uploads:VerifyStoredChunks", "true")];
}

public sealed class StoredChunkVerificationTests(VerifyingClusterFixture cluster) : IClassFixture<VerifyingClusterFixture>
{
    private readonly TestFile _file = new(300_000, seed: 7);

    [Fact]
    public Task A_resent_chunk_is_judged_by_its_kept_sha256() => ResendRules.AssertAsync(cluster.Grains, _file);

    [Fact]
    public async Task A_chunk_that_reads_back_corrupt_from_disk_is_asked_for_again()
    {
        var session = await cluster.Grains.StartAsync(_file, fileHash: _file.Sha256);
        for (var chunk = 0; chunk < 4; chunk++)
        {
            await session.PutAsync(_file, chunk);
        }

        // The disk flips a bit in chunk 1 after it was acknowledged.
        var temp = Path.Combine(cluster.TempDirectory, session.GetPrimaryKey().ToString("N") + ".part");
        using (var file = File.Open(temp, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = _file.Layout.OffsetOf(1) + 10;
            file.WriteByte((byte)(_file.Bytes[(int)file.Position] ^ 1));
        }

        var last = await session.PutAsync(_file, 4);

        Assert.Equal(UploadStatus.Uploading, last.Status);
        var snapshot = await session.SnapshotAsync();
        Assert.Equal(new[] { 1 }, snapshot.MissingChunks);
        Assert.Equal(UploadStatus.Completed, (await session.PutAsync(_file, 1)).Status);
    }
}
