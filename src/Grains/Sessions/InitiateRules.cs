using Orleans.Uploads.Grains.Configuration;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>What a request to start an upload must satisfy before the session takes it: checked without touching storage.</summary>
public static class InitiateRules
{
    /// <summary>The name given to a partial upload that names no file: a part is never a video by itself.</summary>
    public const string PartFilename = "part";

    public static UploadError? Validate(InitiateUpload request, UploadOptions options)
    {
        var filename = FileNamePolicy.Sanitize(request.Filename);
        if (request.Kind == UploadKind.Partial && filename is null)
        {
            // A part is never a video by itself; its final upload names the file.
        }
        else if (filename is null)
        {
            return new UploadError(UploadErrorCode.InvalidFilename, "filename must name a file");
        }
        else if (request.Kind != UploadKind.Partial && !options.IsAllowedExtension(FileNamePolicy.ExtensionOf(filename)))
        {
            return new UploadError(
                UploadErrorCode.UnsupportedFileType,
                $"'{FileNamePolicy.ExtensionOf(filename)}' files are not accepted; allowed: {string.Join(", ", options.EffectiveExtensions)}");
        }

        if (ValidateSize(request, options) is { } sizeError)
        {
            return sizeError;
        }

        if (request.Kind == UploadKind.Whole && request.FileSize is { } size && SessionErrors.RefuseShortContent(FileNamePolicy.ExtensionOf(filename!), size) is { } tooShort)
        {
            return tooShort;
        }

        if (request.ChunkSize is < UploadOptions.MinChunkSize or > UploadOptions.MaxChunkSizeLimit)
        {
            return new UploadError(
                UploadErrorCode.InvalidChunkSize,
                $"chunkSize must be between {UploadOptions.MinChunkSize} and {UploadOptions.MaxChunkSizeLimit} bytes");
        }

        if (request.FileHash is { } fileHash && !SessionErrors.TryParseSha256(fileHash, out _))
        {
            return new UploadError(UploadErrorCode.InvalidFileHash, "fileHash must be a sha256 digest: 64 hexadecimal digits");
        }

        return null;
    }

    private static UploadError? ValidateSize(InitiateUpload request, UploadOptions options) => request.FileSize switch
    {
        null when request.Kind == UploadKind.Final => null,
        not null when request.Kind == UploadKind.Final => new UploadError(UploadErrorCode.InvalidFileSize, "a final upload's size is the sum of its parts"),
        null when request.Mode == UploadMode.Chunks => new UploadError(UploadErrorCode.InvalidFileSize, "fileSize is required"),
        < 0 => new UploadError(UploadErrorCode.InvalidFileSize, "fileSize cannot be negative"),
        0 when request.Mode == UploadMode.Chunks => new UploadError(UploadErrorCode.InvalidFileSize, "fileSize must be at least 1 byte"),
        { } size when size > options.MaxFileSize => SessionErrors.FileTooLarge(size, options.MaxFileSize),
        _ => null,
    };
}
