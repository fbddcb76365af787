// Why this file exists: downloading a finished video to a file, resuming a partial file with HTTP Range (If-Range on
// the video's sha256 ETag, so a changed video restarts from zero), then checking the whole file against its sha256.

using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Orleans.Uploads.Client.Api;

namespace Orleans.Uploads.Client;

/// <summary>A download in progress: the file's length so far, of the video's size.</summary>
public sealed record DownloadProgress(long Bytes, long TotalBytes);

/// <summary>A finished download: where it is, and how many bytes were already there (0 when it started afresh).</summary>
public sealed record DownloadResult(string Path, VideoInfo Video, long ResumedFrom, long BytesReceived, bool Verified);

public sealed partial class UploadClient
{
    private const int CopyBufferSize = 1024 * 1024;

    /// <summary>
    /// Downloads a video to <paramref name="path"/>. A shorter file already there is resumed from its end (Range); the
    /// result is checked against the video's sha256. <paramref name="progress"/> gets the file's length so far.
    /// </summary>
    public async Task<DownloadResult> DownloadAsync(Guid videoId, string path, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var video = await GetVideoAsync(videoId, cancellationToken);
        var existing = File.Exists(path) ? new FileInfo(path).Length : 0;
        if (existing > video.Size)
        {
            existing = 0;
        }

        long received = 0;
        if (existing < video.Size)
        {
            using var request = NewRequest(HttpMethod.Get, video.ContentUrl, UploadToken(null));
            if (existing > 0)
            {
                request.Headers.Range = new RangeHeaderValue(existing, null);
                if (video.FileHash is { } etag)
                {
                    request.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue($"\"{etag}\""));
                }
            }

            using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var start = response.StatusCode == HttpStatusCode.PartialContent ? existing : 0;
            existing = start;
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            await using var file = new FileStream(path, start == 0 ? FileMode.Create : FileMode.Append, FileAccess.Write, FileShare.None, CopyBufferSize, FileOptions.Asynchronous);
            var buffer = new byte[CopyBufferSize];
            int n;
            while ((n = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await file.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
                received += n;
                progress?.Report(new DownloadProgress(start + received, video.Size));
            }
        }

        var verified = false;
        if (video.FileHash is { } expected)
        {
            var actual = await Sha256OfFileAsync(path, cancellationToken);
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException($"{path} has sha256 {actual}, the video {expected}: delete it and download again");
            }

            verified = true;
        }

        return new DownloadResult(path, video, existing, received, verified);
    }

    private static async Task<string> Sha256OfFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, CopyBufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
    }
}
