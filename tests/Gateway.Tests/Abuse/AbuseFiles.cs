using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Abuse;

/// <summary>Upload files for the abuse tests: random bytes behind an MP4 <c>ftyp</c> box, so a content check takes them for video.</summary>
public static class AbuseFiles
{
    public const int MiB = 1024 * 1024;

    public static byte[] Video(int length, int seed)
    {
        var bytes = TestData.RandomBytes(length, seed);
        VideoHeaders.Stamp(bytes);
        return bytes;
    }
}
