using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Grains.Tests.Infrastructure;

/// <summary>What a re-sent chunk gets, checked under each way a session can judge re-sends.</summary>
public static class ResendRules
{
    public static async Task AssertAsync(IGrainFactory grains, TestFile file)
    {
        var session = await grains.StartAsync(file);
        await session.PutAsync(file, 1);

        var same = await session.PutChunkAsync(1, file.Chunk(1), null);
        var sameWithHash = await session.PutChunkAsync(1, file.Chunk(1), file.ChunkSha256(1));
        var different = file.CorruptChunk(1);
        var conflicting = await session.PutChunkAsync(1, different, null);
        var conflictingWithItsOwnHash = await session.PutChunkAsync(1, different, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(different.Data.Span)));

        Assert.True(same.Value is { AlreadyStored: true }, same.Error?.Detail);
        Assert.True(sameWithHash.Value is { AlreadyStored: true }, sameWithHash.Error?.Detail);
        Assert.Equal(UploadErrorCode.ChunkConflict, conflicting.Code());
        Assert.Equal(UploadErrorCode.ChunkConflict, conflictingWithItsOwnHash.Code());

        // The stored chunk is untouched: the rest of the file completes with the original bytes.
        foreach (var chunk in Enumerable.Range(0, file.Layout.TotalChunks).Where(chunk => chunk != 1))
        {
            await session.PutAsync(file, chunk);
        }

        Assert.Equal(file.Sha256, (await session.SnapshotAsync()).FileHash);
    }
}
