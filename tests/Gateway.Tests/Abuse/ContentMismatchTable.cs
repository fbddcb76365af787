using System.Net;
using System.Text;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Gateway.Tests.Tus;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Abuse;

/// <summary>
/// Abuse table, content: an upload's first bytes must start like a container of its extension, for every protocol
/// (seed chunks with chunk 0 sent last, tus PATCH, tus PATCH whose first request is shorter than the signature, tus
/// creation-with-upload, the legacy form, an IETF draft append). Each row asserts the status and <c>code</c>, and that what had been accepted
/// stays intact: the refused bytes are not stored and the upload still takes the right ones.
/// </summary>
public sealed class ContentMismatchTable(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const int SeedFileLength = (2 * GatewayFixture.ChunkSize) + 100;
    private const int TusFileLength = 1000;
    private const string Mismatch = "content_mismatch";

    private readonly UploadsApiClient _api = gateway.Api;
    private readonly TusClient _tus = new(gateway.Client);

    public static TheoryData<string, string, string> Rows()
    {
        var rows = new TheoryData<string, string, string>();
        foreach (var protocol in new[] { "seed", "tus", "tus-split", "tus-creation-with-upload", "legacy", "ietf" })
        {
            foreach (var extension in UploadsExtensions)
            {
                foreach (var content in new[] { "own-header", "text", "foreign-header" })
                {
                    rows.Add(protocol, extension, content);
                }
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task First_bytes_must_match_the_extension(string protocol, string extension, string content)
    {
        var length = protocol == "seed" ? SeedFileLength : TusFileLength;
        var right = TestData.RandomVideo(length, seed: 2100 + length, extension);
        var sent = Content(right, extension, content);
        var refused = content != "own-header";

        switch (protocol)
        {
            case "seed":
                await SeedAsync(extension, right, sent, refused);
                break;
            case "tus":
                await TusAsync(extension, right, sent, refused);
                break;
            case "tus-split":
                await TusSplitAsync(extension, sent, refused);
                break;
            case "tus-creation-with-upload":
                await TusCreationWithUploadAsync(extension, sent, refused);
                break;
            case "ietf":
                await IetfAsync(extension, right, sent, refused);
                break;
            default:
                await LegacyAsync(extension, sent, refused);
                break;
        }
    }

    private static readonly string[] UploadsExtensions = [".mp4", ".mov", ".avi", ".mkv", ".webm"];

    /// <summary>The file as sent: the right one, one starting with text, or one starting like another container.</summary>
    private static byte[] Content(byte[] right, string extension, string content)
    {
        var sent = right.ToArray();
        if (content == "text")
        {
            Encoding.ASCII.GetBytes("Meeting notes, 3 March: nothing here is a video.").CopyTo(sent, 0);
        }
        else if (content == "foreign-header")
        {
            // AVI's 12 bytes cover an MP4 header's 'ftyp' too; an AVI file gets the EBML magic.
            VideoHeaders.Stamp(sent, extension == ".avi" ? ".mkv" : ".avi");
        }

        return sent;
    }

    /// <summary>Chunk 1 first (accepted), then chunk 0; a refused chunk 0 leaves chunk 1 stored and the right one completes.</summary>
    private async Task SeedAsync(string extension, byte[] right, byte[] sent, bool refused)
    {
        var upload = await _api.InitiateAsync("clip" + extension, sent.Length);
        await _api.PutChunkAsync(upload.UploadId, 1, SeedChunk(sent, 1));

        using (var first = await _api.SendChunkAsync(upload.UploadId, 0, SeedChunk(sent, 0)))
        {
            await AssertOutcomeAsync(first, HttpStatusCode.OK, refused);
        }

        var status = await _api.GetStatusAsync(upload.UploadId);
        Assert.Equal(refused ? 1 : 2, status.CompletedChunks);
        if (refused)
        {
            await _api.PutChunkAsync(upload.UploadId, 0, SeedChunk(right, 0));
        }

        await _api.PutChunkAsync(upload.UploadId, 2, SeedChunk(right, 2));
        var video = await _api.CompleteAsync(upload.UploadId);
        using var download = await _api.GetAsync(video.ContentUrl);
        Assert.Equal(refused ? right : sent, await download.Content.ReadAsByteArrayAsync());
    }

    /// <summary>One PATCH of the whole file; a refused one stores nothing and the right file is still taken at offset 0.</summary>
    private async Task TusAsync(string extension, byte[] right, byte[] sent, bool refused)
    {
        var id = await _tus.CreateOkAsync(sent.Length, TusClient.Metadata(("filename", "clip" + extension)));
        using (var patch = await _tus.PatchAsync(id, 0, sent))
        {
            await AssertOutcomeAsync(patch, HttpStatusCode.NoContent, refused);
        }

        if (refused)
        {
            Assert.Equal(0, await _tus.OffsetAsync(id));
            await _tus.PatchOkAsync(id, 0, right);
        }

        Assert.Equal(refused ? right : sent, await _tus.DownloadAsync(id));
    }

    /// <summary>
    /// A first PATCH of 3 bytes, fewer than any signature: refused at once when those bytes already cannot fit (EBML
    /// starts at byte 0), otherwise stored and judged with the next PATCH; the bytes accepted before stay.
    /// </summary>
    private async Task TusSplitAsync(string extension, byte[] sent, bool refused)
    {
        var id = await _tus.CreateOkAsync(sent.Length, TusClient.Metadata(("filename", "clip" + extension)));
        long accepted = 0;
        using (var first = await _tus.PatchAsync(id, 0, sent[..3]))
        {
            if (first.StatusCode == HttpStatusCode.NoContent)
            {
                accepted = 3;
            }
            else
            {
                await HttpAssert.ProblemAsync(first, HttpStatusCode.UnsupportedMediaType, Mismatch);
                Assert.True(refused, "a right header's first bytes must be taken");
                Assert.Equal(0, await _tus.OffsetAsync(id));
                return;
            }
        }

        using (var rest = await _tus.PatchAsync(id, accepted, sent[3..]))
        {
            await AssertOutcomeAsync(rest, HttpStatusCode.NoContent, refused);
        }

        Assert.Equal(refused ? accepted : sent.Length, await _tus.OffsetAsync(id));
        if (!refused)
        {
            Assert.Equal(sent, await _tus.DownloadAsync(id));
        }
    }

    /// <summary>creation-with-upload: the upload is created either way; a refused body stores nothing.</summary>
    private async Task TusCreationWithUploadAsync(string extension, byte[] sent, bool refused)
    {
        using var created = await _tus.CreateAsync(
            TusClient.Body(sent),
            ("Upload-Length", sent.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Upload-Metadata", TusClient.Metadata(("filename", "clip" + extension))));
        await AssertOutcomeAsync(created, HttpStatusCode.Created, refused);
        if (!refused)
        {
            Assert.Equal(sent, await _tus.DownloadAsync(TusClient.IdOf(created)));
        }
    }

    /// <summary>A form post cannot be resumed: a refused one makes no video and leaves no upload behind.</summary>
    private async Task LegacyAsync(string extension, byte[] sent, bool refused)
    {
        var project = "content-" + Guid.NewGuid().ToString("N")[..8];
        using (var response = await _api.SendLegacyUploadAsync("clip" + extension, sent, project))
        {
            await AssertOutcomeAsync(response, HttpStatusCode.Created, refused);
        }

        var videos = await _api.GetOkAsync($"/api/videos?projectId={project}");
        Assert.Equal(refused ? 0 : 1, videos.GetArrayLength());
    }

    /// <summary>One IETF draft append of the whole file (Upload-Complete: ?1); a refused one stores nothing and the right file still completes.</summary>
    private async Task IetfAsync(string extension, byte[] right, byte[] sent, bool refused)
    {
        var ietf = new Ietf.IetfClient(gateway.Client, 8);
        using var created = await ietf.CreateAsync(complete: false, body: null, headers: ("Upload-Metadata", TusClient.Metadata(("filename", "clip" + extension))));
        var id = TusClient.IdOf(created);
        using (var append = await ietf.AppendAsync(id, 0, sent, complete: true))
        {
            await AssertOutcomeAsync(append, HttpStatusCode.OK, refused);
        }

        if (refused)
        {
            using var head = await ietf.HeadAsync(id);
            ietf.AssertState(head, 0, complete: false);
            using var retried = await ietf.AppendAsync(id, 0, right, complete: true);
            await HttpAssert.StatusAsync(retried, HttpStatusCode.OK);
        }

        Assert.Equal(refused ? right : sent, await _tus.DownloadAsync(id));
    }

    private static async Task AssertOutcomeAsync(HttpResponseMessage response, HttpStatusCode accepted, bool refused)
    {
        if (refused)
        {
            await HttpAssert.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, Mismatch);
        }
        else
        {
            await HttpAssert.StatusAsync(response, accepted);
        }
    }

    private static ReadOnlyMemory<byte> SeedChunk(byte[] file, int chunk) =>
        file.AsMemory(chunk * GatewayFixture.ChunkSize, Math.Min(GatewayFixture.ChunkSize, file.Length - (chunk * GatewayFixture.ChunkSize)));
}
