// Why this file exists: the environment variables the uploader reads, named once (and documented in src/Cli/README.md).
// Hazard: an API key on the command line is visible to every user in `ps`; the environment variable is the safe way.

namespace Orleans.Uploads.Cli;

public static class EnvironmentVariables
{
    /// <summary>The API key when <c>--api-key</c> is not given.</summary>
    public const string ApiKey = "ORLEANS_UPLOADS_API_KEY";

    /// <summary>The gateway when <c>--server</c> is not given (default http://localhost:5000).</summary>
    public const string Server = "ORLEANS_UPLOADS_SERVER";

    /// <summary>The resume store's file when <c>--resume-store</c> is not given.</summary>
    public const string ResumeStore = "ORLEANS_UPLOADS_RESUME_STORE";
}
