namespace Orleans.Uploads.Grains.Scanning;

/// <summary>
/// A scan that gave no verdict. <see cref="Permanent"/> failures (a file over the scanner's size limit) are not retried:
/// the video is <c>scan_failed</c> at once; any other failure, and any I/O or HTTP error, is retried.
/// </summary>
public sealed class ScanFailedException(string message, bool permanent = false, Exception? innerException = null)
    : Exception(message, innerException)
{
    public bool Permanent { get; } = permanent;
}
