using System.Net;
using System.Security.Cryptography;
using Orleans.Uploads.Gateway.Tests.Support;

namespace Orleans.Uploads.Gateway.Tests.Tus;

/// <summary>
/// tus checksum: Upload-Checksum: &lt;algorithm&gt; &lt;base64 digest&gt; over one PATCH body. A mismatch is 460 and
/// stores nothing, so the same bytes can be sent again at the same offset.
/// </summary>
public sealed class TusChecksumTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const int Chunk = GatewayFixture.ChunkSize;
    private readonly TusClient _tus = new(gateway.Client);

#pragma warning disable CA5350, CA5351 // tus names these algorithms; they detect damage in transit, not attacks.
    public static string ChecksumOf(string algorithm, byte[] data) => algorithm + " " + Convert.ToBase64String(algorithm switch
    {
        "sha1" => SHA1.HashData(data),
        "sha256" => SHA256.HashData(data),
        "md5" => MD5.HashData(data),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    });
#pragma warning restore CA5350, CA5351

    [Theory]
    [InlineData("sha1")]
    [InlineData("sha256")]
    [InlineData("md5")]
    public async Task Patch_with_a_matching_checksum_is_stored(string algorithm)
    {
        var file = TestData.RandomBytes((2 * Chunk) + 300, seed: 1601);
        var id = await _tus.CreateOkAsync(file.Length);

        // One body within a piece, one spanning several pieces (staged until its digest is known).
        var offset = await _tus.PatchOkAsync(id, 0, file[..1000], ("Upload-Checksum", ChecksumOf(algorithm, file[..1000])));
        await _tus.PatchOkAsync(id, offset, file[1000..], ("Upload-Checksum", ChecksumOf(algorithm, file[1000..])));

        Assert.Equal(TestData.Sha256Hex(file), TestData.Sha256Hex(await _tus.DownloadAsync(id)));
    }

    [Theory]
    [InlineData("sha1")]
    [InlineData("sha256")]
    [InlineData("md5")]
    public async Task Body_that_does_not_match_its_checksum_is_460_and_can_be_sent_again(string algorithm)
    {
        var file = TestData.RandomBytes((3 * Chunk) + 777, seed: 1602);
        var id = await _tus.CreateOkAsync(file.Length);
        var offset = await _tus.PatchOkAsync(id, 0, file[..Chunk], ("Upload-Checksum", ChecksumOf(algorithm, file[..Chunk])));

        // The digest of the intended bytes, but the body was damaged on the way (one byte, in its last piece).
        var intended = file[Chunk..];
        var damaged = intended.ToArray();
        damaged[^10] ^= 0xFF;
        using (var rejected = await _tus.PatchAsync(id, offset, damaged, ("Upload-Checksum", ChecksumOf(algorithm, intended))))
        {
            await HttpAssert.ProblemAsync(rejected, TusClient.ChecksumMismatch, "checksum_mismatch");
            TusClient.AssertTus(rejected);
        }

        Assert.Equal(Chunk, await _tus.OffsetAsync(id));

        await _tus.PatchOkAsync(id, offset, intended, ("Upload-Checksum", ChecksumOf(algorithm, intended)));
        Assert.Equal(TestData.Sha256Hex(file), TestData.Sha256Hex(await _tus.DownloadAsync(id)));
    }

    [Fact]
    public async Task Wrong_digest_is_460_and_nothing_is_stored()
    {
        var file = TestData.RandomBytes(2000, seed: 1603);
        var id = await _tus.CreateOkAsync(file.Length);

        using (var rejected = await _tus.PatchAsync(id, 0, file[..1500], ("Upload-Checksum", ChecksumOf("sha256", file[..1499]))))
        {
            await HttpAssert.ProblemAsync(rejected, TusClient.ChecksumMismatch, "checksum_mismatch");
        }

        // A digest of the wrong length for its algorithm is just as wrong.
        using (var rejected = await _tus.PatchAsync(id, 0, file[..1500], ("Upload-Checksum", "sha1 AAAA")))
        {
            await HttpAssert.ProblemAsync(rejected, TusClient.ChecksumMismatch, "checksum_mismatch");
        }

        Assert.Equal(0, await _tus.OffsetAsync(id));
        await _tus.PatchOkAsync(id, 0, file, ("Upload-Checksum", ChecksumOf("sha1", file)));
        Assert.Equal(file, await _tus.DownloadAsync(id));
    }

    [Theory]
    [InlineData("crc32 AAAAAA==")]
    [InlineData("sha512 AAAA")]
    [InlineData("sha-256 AAAA")]
    public async Task Unsupported_algorithm_is_400(string header)
    {
        var id = await _tus.CreateOkAsync(100);

        using var response = await _tus.PatchAsync(id, 0, TestData.RandomBytes(100, seed: 1604), ("Upload-Checksum", header));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "unsupported_checksum_algorithm");
        TusClient.AssertTus(response);
        Assert.Equal(0, await _tus.OffsetAsync(id));
    }

    [Theory]
    [InlineData("sha256")]
    [InlineData("sha256 not*base64!")]
    [InlineData("sha256 AAAA AAAA")]
    [InlineData("sha1 =")]
    public async Task Malformed_checksum_is_400(string header)
    {
        var id = await _tus.CreateOkAsync(100);

        using var response = await _tus.PatchAsync(id, 0, TestData.RandomBytes(100, seed: 1605), ("Upload-Checksum", header));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_checksum");
        TusClient.AssertTus(response);
        Assert.Equal(0, await _tus.OffsetAsync(id));
    }
}
