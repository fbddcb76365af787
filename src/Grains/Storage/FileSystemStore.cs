using Microsoft.Extensions.Options;
using Orleans.Uploads.Grains.Configuration;

namespace Orleans.Uploads.Grains.Storage;

/// <summary>
/// The stores on a file system (a local disk, or a directory every silo and gateway mounts): uploads in progress in a
/// temp directory, videos in a final one, one partial file per store interface. Chunks go straight to their offset in
/// one temp file per upload (sparse: disk is taken only as bytes arrive), so completion is a rename, not a second assembly pass. File names come only
/// from upload ids and allow-listed extensions.
/// </summary>
public sealed partial class FileSystemStore : IUploadStore, IVideoStore, IStorageProbe
{
    private const string TempSuffix = ".part";

    /// <summary>The folder of the final directory that infected videos are moved into.</summary>
    public const string QuarantineFolder = "quarantine";
    private readonly string _tempDirectory;
    private readonly string _finalDirectory;

    /// <summary>Inside the final directory, so quarantine is a rename on the same file system.</summary>
    private readonly string _quarantineDirectory;
    private readonly bool _flushToDisk;
    private readonly FreeSpaceFloor _floor;

    public FileSystemStore(IOptions<UploadOptions> options)
    {
        _tempDirectory = Path.GetFullPath(options.Value.TempDirectory);
        _finalDirectory = Path.GetFullPath(options.Value.FinalDirectory);
        _quarantineDirectory = Path.Combine(_finalDirectory, QuarantineFolder);
        _flushToDisk = options.Value.FlushToDisk;
        Directory.CreateDirectory(_tempDirectory);
        Directory.CreateDirectory(_finalDirectory);
        _floor = new FreeSpaceFloor(_tempDirectory, options.Value.MinFreeDiskMegabytes * 1024 * 1024);
    }

    public static string VideoKey(Guid uploadId, string extension) => uploadId.ToString("N") + extension;

    private static bool IsVideoKey(string key)
    {
        var dot = key.IndexOf('.', StringComparison.Ordinal);
        return dot == 32 && Guid.TryParseExact(key[..dot], "N", out _) && key[(dot + 1)..].All(char.IsAsciiLetterOrDigit);
    }

    private string TempPath(Guid uploadId) => Path.Combine(_tempDirectory, uploadId.ToString("N") + TempSuffix);

    private string FinalPath(string key) => Path.Combine(_finalDirectory, key);

    private string QuarantinePath(string key) => Path.Combine(_quarantineDirectory, key);
}
