// Why this exists: access tests must show that what an intruder tried changed nothing, so the owner of an upload (a
// caller with the project's key) starts it, finishes it and checks, through the API, that its bytes arrived intact.

using System.Globalization;
using System.Net;
using System.Text.Json;
using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Gateway.Tests.Tus;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Access;

/// <summary>How an owned upload was started: the seed API's numbered chunks, or tus (whole, or a partial for concatenation).</summary>
public enum UploadKind
{
    Chunked,
    Tus,
    TusPartial,
}

/// <summary>An upload as its owner knows it: its id, the token it was handed, and the file it is meant to hold.</summary>
public sealed record OwnedUpload(Guid Id, string Token, byte[] File, UploadKind Kind)
{
    /// <summary>For a set of finished partial uploads (<see cref="Id"/> and <see cref="Token"/> are the first's): all of them, in order; <see cref="File"/> is their concatenation.</summary>
    public IReadOnlyList<Guid> Parts { get; init; } = [];

    public string Sha256 => TestData.Sha256Hex(File);
}

/// <summary>The owner of uploads in <see cref="AccessGatewayFixture.OwnerProject"/>, acting with its own API key.</summary>
public sealed class Owner(AccessGatewayFixture gateway) : IDisposable
{
    private const int Chunk = GatewayFixture.ChunkSize;
    private static int _seed = 7000;
    private readonly HttpClient _client = gateway.ClientWithBearer(gateway.OwnerKey);

    public UploadsApiClient Api => new(_client);

    public TusClient Tus => new(_client);

    /// <summary>Three chunks' worth of fresh bytes (two full chunks and a short last one): small, and still more than one piece.</summary>
    public static byte[] NewFile(int length = (2 * Chunk) + 1000) => TestData.RandomBytes(length, Interlocked.Increment(ref _seed));

    /// <summary>Initiates a chunked upload of <paramref name="file"/> and stores its first <paramref name="chunksStored"/> chunks.</summary>
    public async Task<OwnedUpload> StartChunkedAsync(byte[] file, int chunksStored = 1, string project = AccessGatewayFixture.OwnerProject)
    {
        using var response = await Api.SendInitiateAsync(new InitiateRequest("owned.mp4", file.Length, project));
        var body = await HttpAssert.JsonAsync(response, HttpStatusCode.Created);
        var upload = new OwnedUpload(body.GetProperty("uploadId").GetGuid(), TokenOf(body), file, UploadKind.Chunked);
        for (var chunk = 0; chunk < chunksStored; chunk++)
        {
            await PutChunkAsync(upload, chunk);
        }

        return upload;
    }

    /// <summary>A finished chunked upload: a video of the owner's project.</summary>
    public async Task<OwnedUpload> UploadChunkedAsync(byte[] file, string project = AccessGatewayFixture.OwnerProject)
    {
        var upload = await StartChunkedAsync(file, chunksStored: 0, project);
        await FinishAsync(upload);
        return upload;
    }

    /// <summary>Creates a tus upload of <paramref name="file"/> (a partial one when asked) and PATCHes its first <paramref name="sent"/> bytes.</summary>
    public async Task<OwnedUpload> StartTusAsync(byte[] file, int sent, bool partial = false)
    {
        List<(string, string?)> headers =
        [
            ("Upload-Length", file.Length.ToString(CultureInfo.InvariantCulture)),
            ("Upload-Metadata", TusClient.Metadata(("filename", "owned.mp4"), ("projectId", AccessGatewayFixture.OwnerProject))),
        ];
        if (partial)
        {
            headers.Add(("Upload-Concat", "partial"));
        }

        using var created = await Tus.CreateAsync([.. headers]);
        var id = await TusClient.AssertCreatedAsync(created);
        var token = TusClient.Header(created, AccessSchemes.UploadTokenResponseHeader);
        Assert.False(string.IsNullOrEmpty(token), "tus creation answered without an Upload-Token");
        var upload = new OwnedUpload(id, token, file, partial ? UploadKind.TusPartial : UploadKind.Tus);
        if (sent > 0)
        {
            await Tus.PatchOkAsync(id, 0, file[..sent]);
        }

        return upload;
    }

    /// <summary>Stores one chunk of the owner's file, expecting it accepted.</summary>
    public Task PutChunkAsync(OwnedUpload upload, int chunk) =>
        Api.PutChunkOkAsync(new InitiateReply(upload.Id, Chunk, ChunkCount(upload.File), "uploading", default), upload.File, chunk);

    /// <summary>Sends whatever the upload still lacks, as the owner resumes it: the missing chunks, or the bytes after tus's offset.</summary>
    public async Task FinishAsync(OwnedUpload upload)
    {
        if (upload.Kind == UploadKind.Chunked)
        {
            var status = await Api.GetStatusOkAsync(upload.Id);
            foreach (var chunk in HttpAssert.IntArray(status.GetProperty("missingChunks")))
            {
                await PutChunkAsync(upload, chunk);
            }

            Assert.Equal("completed", (await Api.GetStatusOkAsync(upload.Id)).GetProperty("status").GetString());
            return;
        }

        var offset = await Tus.OffsetAsync(upload.Id);
        if (offset < upload.File.Length)
        {
            await Tus.PatchOkAsync(upload.Id, offset, upload.File[(int)offset..]);
        }
    }

    /// <summary>The owner finishes the upload and downloads it: the bytes are exactly the file's.</summary>
    public async Task FinishAndVerifyAsync(OwnedUpload upload)
    {
        await FinishAsync(upload);
        await AssertStoredAsync(upload.Id, upload.Sha256);
    }

    /// <summary>The video <paramref name="videoId"/>, downloaded by the owner, has this sha256.</summary>
    public async Task AssertStoredAsync(Guid videoId, string sha256)
    {
        using var response = await Api.SendContentAsync(videoId);
        await HttpAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Equal(sha256, TestData.Sha256Hex(await response.Content.ReadAsByteArrayAsync()));
    }

    /// <summary>The ids of the videos the owner's project lists.</summary>
    public async Task<Guid[]> VideosAsync(string project = AccessGatewayFixture.OwnerProject)
    {
        var videos = await Api.ListVideosAsync(project);
        return [.. videos.Select(video => video.Id)];
    }

    public void Dispose() => _client.Dispose();

    public static string TokenOf(JsonElement initiated)
    {
        var token = initiated.GetProperty("uploadToken").GetString();
        Assert.False(string.IsNullOrEmpty(token), "initiate answered without an uploadToken");
        return token;
    }

    private static int ChunkCount(byte[] file) => (file.Length + Chunk - 1) / Chunk;
}
