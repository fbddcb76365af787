using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Uploads.Gateway.Tests.Support;

namespace Orleans.Uploads.Gateway.Tests.Tus;

/// <summary>A gateway whose silo counts every call that reaches an upload's session grain.</summary>
public sealed class CountingGatewayFixture : GatewayFixture
{
    public SessionCallCounter Calls { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IIncomingGrainCallFilter>(Calls);
}

/// <summary>Counts calls into session grains per upload id, whatever capability interface they came through.</summary>
public sealed class SessionCallCounter : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, int> _calls = new();

    public int Of(Guid uploadId) => _calls.GetValueOrDefault(uploadId.ToString("N"));

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.TargetId.Type.ToString() == "upload-session")
        {
            _calls.AddOrUpdate(context.TargetId.Key.ToString()!, 1, (_, count) => count + 1);
        }

        await context.Invoke();
    }
}

/// <summary>
/// What a tus request costs the cluster: a PATCH one session call per piece of its body plus at most one more (the
/// last piece commits, ends the lease and answers offset and expiry); HEAD and DELETE one call each.
/// </summary>
public sealed class TusGrainCallTests(CountingGatewayFixture gateway) : IClassFixture<CountingGatewayFixture>
{
    private const int Piece = GatewayFixture.ChunkSize;
    private readonly TusClient _tus = new(gateway.Client);

    [Theory]
    [InlineData(Piece / 2, false)]
    [InlineData(Piece, false)]
    [InlineData((3 * Piece) + 100, false)]
    [InlineData((3 * Piece) + 100, true)]
    public async Task A_patch_with_a_declared_length_costs_one_call_per_piece(int length, bool withChecksum)
    {
        var file = TestData.RandomBytes(length, seed: 900 + length);
        var id = await _tus.CreateOkAsync(length);
        var before = gateway.Calls.Of(id);

        (string, string?)[] headers = withChecksum ? [("Upload-Checksum", "sha256 " + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(file)))] : [];
        await _tus.PatchOkAsync(id, 0, file, headers);

        Assert.Equal(Pieces(length), gateway.Calls.Of(id) - before);
    }

    [Theory]
    [InlineData((2 * Piece) + 100)]
    [InlineData(2 * Piece)]
    public async Task A_patch_of_unknown_length_costs_at_most_one_call_more(int length)
    {
        var file = TestData.RandomBytes(length, seed: 950 + length);
        var id = await _tus.CreateOkAsync(length);
        var before = gateway.Calls.Of(id);

        using var response = await _tus.PatchAsync(TusClient.PathOf(id), new UnsizedContent(file, TusClient.OffsetOctetStream), ("Upload-Offset", "0"));

        await HttpAssert.StatusAsync(response, HttpStatusCode.NoContent);
        Assert.Equal(length.ToString(System.Globalization.CultureInfo.InvariantCulture), TusClient.Header(response, "Upload-Offset"));
        Assert.InRange(gateway.Calls.Of(id) - before, Pieces(length), Pieces(length) + 1);
    }

    [Fact]
    public async Task An_empty_patch_head_and_delete_cost_one_call_each()
    {
        var id = await _tus.CreateOkAsync(1000);

        var beforePatch = gateway.Calls.Of(id);
        await _tus.PatchOkAsync(id, 0, []);
        var beforeHead = gateway.Calls.Of(id);
        using (await _tus.HeadOkAsync(id))
        {
        }

        var beforeDelete = gateway.Calls.Of(id);
        using var deleted = await _tus.DeleteAsync(id);

        await HttpAssert.StatusAsync(deleted, HttpStatusCode.NoContent);
        Assert.Equal(1, beforeHead - beforePatch);
        Assert.Equal(1, beforeDelete - beforeHead);
        Assert.Equal(1, gateway.Calls.Of(id) - beforeDelete);
    }

    private static int Pieces(int length) => Math.Max(1, (length + Piece - 1) / Piece);
}
