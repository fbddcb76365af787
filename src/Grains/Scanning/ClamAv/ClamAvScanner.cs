using Microsoft.Extensions.Options;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Uploads.Grains.Storage;
using Orleans.Uploads.Grains.Videos;

namespace Orleans.Uploads.Grains.Scanning.ClamAv;

/// <summary>Scans a video with clamd (<c>Scanning:ClamAv</c>), streaming it from the video store.</summary>
public sealed class ClamAvScanner(IVideoStore videos, IOptions<ScanningOptions> options) : IVideoScanner
{
    private readonly ClamAvScanOptions _settings = options.Value.ClamAv;

    public async Task<ScanVerdict> ScanAsync(VideoRecord video, CancellationToken cancellationToken)
    {
        // clamd would cut a longer stream off after reading up to its limit; no retry can change that.
        if (video.Size > _settings.MaxStreamLength)
        {
            throw new ScanFailedException(
                $"the video is {video.Size} bytes, more than {ScanningOptions.SectionName}:ClamAv:MaxStreamLength ({_settings.MaxStreamLength}) that clamd accepts",
                permanent: true);
        }

        await using var content = videos.OpenRead(video.Filename)
            ?? throw new ScanFailedException($"the video's file {video.Filename} is not in the video store", permanent: true);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_settings.Timeout);
        return await new ClamdClient(_settings.Host, _settings.Port).ScanAsync(content, timeout.Token);
    }
}
