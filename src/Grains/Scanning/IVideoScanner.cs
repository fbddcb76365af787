using Orleans.Uploads.Grains.Videos;

namespace Orleans.Uploads.Grains.Scanning;

/// <summary>One way of judging a finished video (clamd, a webhook). Throws <see cref="ScanFailedException"/> or an I/O error when it cannot.</summary>
public interface IVideoScanner
{
    Task<ScanVerdict> ScanAsync(VideoRecord video, CancellationToken cancellationToken);
}
