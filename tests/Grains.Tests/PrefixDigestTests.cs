using System.Security.Cryptography;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Grains.Tests;

/// <summary>The running file hash on its own: which bytes it takes from memory and which it reads back.</summary>
public sealed class PrefixDigestTests
{
    private readonly byte[] _file = RandomNumberGenerator.GetBytes(3_000_000);
    private readonly List<long> _readsFrom = [];

    [Fact]
    public async Task Bytes_offered_in_order_are_hashed_from_memory_without_reading_the_store()
    {
        using var digest = new PrefixDigest(OpenAt);
        await digest.AdvanceAsync(1_000_000, 0, _file.AsMemory(0, 1_000_000));
        await digest.AdvanceAsync(3_000_000, 1_000_000, _file.AsMemory(1_000_000));

        Assert.Equal(SHA256.HashData(_file), await digest.HashOfFirstAsync(_file.Length));
        Assert.Empty(_readsFrom);
    }

    [Fact]
    public async Task Bytes_stored_ahead_of_a_gap_are_read_back_once_the_gap_closes()
    {
        using var digest = new PrefixDigest(OpenAt);

        // The second million lands first: nothing before it is stored, so it cannot be hashed yet.
        await digest.AdvanceAsync(0, 1_000_000, _file.AsMemory(1_000_000, 1_000_000));
        await digest.AdvanceAsync(2_000_000, 0, _file.AsMemory(0, 1_000_000));

        Assert.Equal([1_000_000L], _readsFrom);
        Assert.Equal(SHA256.HashData(_file.AsSpan(0, 2_000_000)), await digest.HashOfFirstAsync(2_000_000));
    }

    [Fact]
    public async Task A_fresh_digest_reads_everything_stored_before_it_existed()
    {
        using var digest = new PrefixDigest(OpenAt);

        Assert.Equal(SHA256.HashData(_file), await digest.HashOfFirstAsync(_file.Length));
        Assert.Equal([0L], _readsFrom);
    }

    [Fact]
    public async Task Bytes_offered_beyond_the_stored_end_are_not_hashed()
    {
        using var digest = new PrefixDigest(OpenAt);
        var wrong = new byte[1_000_000];

        // Written but not stored (an uncommitted append): whatever ends up there later is read back instead.
        await digest.AdvanceAsync(0, 0, wrong);

        Assert.Equal(SHA256.HashData(_file.AsSpan(0, 1_000_000)), await digest.HashOfFirstAsync(1_000_000));
    }

    [Fact]
    public async Task A_store_shorter_than_recorded_fails_the_hash_instead_of_hashing_less()
    {
        using var digest = new PrefixDigest(OpenAt);

        await Assert.ThrowsAsync<EndOfStreamException>(() => digest.HashOfFirstAsync(_file.Length + 1));
    }

    private MemoryStream OpenAt(long offset)
    {
        lock (_readsFrom)
        {
            _readsFrom.Add(offset);
        }

        return new MemoryStream(_file, writable: false) { Position = offset };
    }
}
