// Why this file exists: every failure ends the same way: one line on stderr ("error: <code>: <detail>"), with --json
// also a JSON line on stdout, and the documented exit code of its class.

using Orleans.Uploads.Client.Errors;

namespace Orleans.Uploads.Cli.Output;

public static class Failures
{
    public static int ExitCodeOf(Exception failure) => Classify(failure).ExitCode;

    /// <summary>The exit code for <paramref name="failure"/>, after reporting it (about <paramref name="subject"/>, a file or id).</summary>
    public static int Report(Exception failure, string subject, OutputMode mode)
    {
        var (exitCode, code, status, detail) = Classify(failure);
        Console.Error.WriteLine($"error: {subject}: {code}: {detail}");
        if (mode == OutputMode.Json)
        {
            JsonLines.Write(new { subject, error = new { code, status, detail }, exitCode });
        }

        return exitCode;
    }

    private static (int ExitCode, string Code, int? Status, string Detail) Classify(Exception failure) => failure switch
        {
            UploadCredentialsException e => (ExitCodes.Credentials, e.Code, e.Status, e.Detail),
            UploadRefusedException e => (ExitCodes.Refused, e.Code, e.Status, e.Detail),
            UploadUnavailableException e => (ExitCodes.Unavailable, e.Code, e.Status, e.Detail),
            OperationCanceledException => (ExitCodes.Cancelled, "cancelled", (int?)null, "stopped; run the same command again to resume"),
            FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException or ArgumentException or InvalidDataException
                => (ExitCodes.Usage, "local_error", (int?)null, failure.Message),
            _ => (ExitCodes.Usage, "error", (int?)null, failure.Message),
        };
}
