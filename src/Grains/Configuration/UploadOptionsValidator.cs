using Microsoft.Extensions.Options;

namespace Orleans.Uploads.Grains.Configuration;

/// <summary>Fails start-up with a message that names the bad setting.</summary>
public sealed class UploadOptionsValidator : IValidateOptions<UploadOptions>
{
    private const string Prefix = UploadOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, UploadOptions options)
    {
        var failures = new List<string>();
        if (options.MaxFileSize < 1)
        {
            failures.Add($"{Prefix}MaxFileSize must be at least 1 byte (got {options.MaxFileSize}).");
        }

        if (options.ChunkSize is < UploadOptions.MinChunkSize or > UploadOptions.MaxChunkSizeLimit)
        {
            failures.Add($"{Prefix}ChunkSize must be between {UploadOptions.MinChunkSize} and {UploadOptions.MaxChunkSizeLimit} bytes (got {options.ChunkSize}).");
        }

        if (options.MaxConcurrentChunks is < 1 or > 64)
        {
            failures.Add($"{Prefix}MaxConcurrentChunks must be between 1 and 64 (got {options.MaxConcurrentChunks}).");
        }

        if (options.UploadTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{Prefix}UploadTimeout must be positive (got {options.UploadTimeout}).");
        }

        foreach (var (setting, value) in new[] { ("MinFreeDiskMegabytes", options.MinFreeDiskMegabytes), ("MaxUnfinishedBytesPerCaller", options.MaxUnfinishedBytesPerCaller), ("MaxUnfinishedBytesPerProject", options.MaxUnfinishedBytesPerProject) })
        {
            if (value < 0)
            {
                failures.Add($"{Prefix}{setting} must be 0 (off) or more (got {value}).");
            }
        }

        foreach (var (setting, value) in new[] { ("TempDirectory", options.TempDirectory), ("FinalDirectory", options.FinalDirectory), ("StateDirectory", options.StateDirectory) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                failures.Add($"{Prefix}{setting} must name a directory.");
            }
        }

        foreach (var extension in options.AllowedExtensions)
        {
            if (extension is not { Length: >= 2 } || extension[0] != '.' || !extension.Skip(1).All(char.IsAsciiLetterOrDigit))
            {
                failures.Add($"{Prefix}AllowedExtensions entries must look like '.mp4' (got '{extension}').");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
