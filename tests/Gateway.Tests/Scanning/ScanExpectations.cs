using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Scanning;

/// <summary>Test videos for the scanner (each opens with a real MP4 header) and waits on a video's scan status.</summary>
public static class ScanExpectations
{
    /// <summary>An MP4 <c>ftyp</c> box, so the files pass a first-bytes container check.</summary>
    public static byte[] Mp4Header { get; } = [0, 0, 0, 0x18, .. "ftypisom"u8, 0, 0, 2, 0, .. "isomiso2"u8];

    public static byte[] CleanMp4(int length, int seed) => [.. Mp4Header, .. TestData.RandomBytes(length - Mp4Header.Length, seed)];

    /// <summary>An MP4 header, some bytes, the EICAR test string, more bytes.</summary>
    public static byte[] InfectedMp4(int seed) =>
        [.. Mp4Header, .. TestData.RandomBytes(5000, seed), .. Encoding.ASCII.GetBytes(ClamdServer.Eicar), .. TestData.RandomBytes(3000, seed + 1)];

    /// <summary>
    /// Uploads the file with the seed API and returns its video id. The completion's answer may already carry a verdict:
    /// the upload completed by itself with its last chunk, and the scan began then.
    /// </summary>
    public static async Task<Guid> UploadVideoAsync(this UploadsApiClient api, string filename, byte[] file, string project) =>
        (await api.UploadAsync(filename, file, project)).GetProperty("id").GetGuid();

    /// <summary>Waits until the video's record has left <c>pending</c>, and returns the record.</summary>
    public static async Task<JsonElement> ScannedAsync(this UploadsApiClient api, Guid videoId) =>
        (await Eventually.WaitForAsync(async () =>
        {
            var video = await api.GetOkAsync($"/api/videos/{videoId}");
            return video.GetProperty("scanStatus").GetString() == "pending" ? null : new StrongBox<JsonElement>(video);
        }, $"video {videoId} to get a scan verdict")).Value;

    /// <summary>The scan status the video settles on.</summary>
    public static async Task<string> ScanStatusOfAsync(this UploadsApiClient api, Guid videoId) =>
        (await api.ScannedAsync(videoId)).GetProperty("scanStatus").GetString()!;

    public static async Task AssertContentAsync(this UploadsApiClient api, Guid videoId, byte[] expected)
    {
        using var content = await api.SendContentAsync(videoId);
        Assert.Equal(HttpStatusCode.OK, content.StatusCode);
        Assert.Equal(expected, await content.Content.ReadAsByteArrayAsync());
    }
}
