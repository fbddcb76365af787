// Why this file exists: scripts branch on the uploader's exit code, so the codes are one documented list
// (src/Cli/README.md) and never change meaning.

namespace Orleans.Uploads.Cli;

/// <summary>The uploader's exit codes.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Bad command line, or a local problem (file not found, not readable, changed while uploading).</summary>
    public const int Usage = 1;

    /// <summary>The server refused the request (4xx problem: type, size, state, not found); retrying will not help.</summary>
    public const int Refused = 2;

    /// <summary>401/403: credential missing, unknown or expired, or not allowed the project.</summary>
    public const int Credentials = 3;

    /// <summary>The server could not be reached or stayed unavailable (network, timeouts, 429/5xx after retries).</summary>
    public const int Unavailable = 4;

    /// <summary>Stopped by Ctrl-C (SIGINT); a second push of the same file resumes.</summary>
    public const int Cancelled = 130;
}
