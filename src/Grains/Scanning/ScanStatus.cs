namespace Orleans.Uploads.Grains.Scanning;

/// <summary>Where a video stands with the scanner; the values are the <c>scanStatus</c> of the API's video records.</summary>
public static class ScanStatus
{
    /// <summary>No scanner is configured (or the video predates scanning): served as it is.</summary>
    public const string Unscanned = "unscanned";

    /// <summary>Waiting for a verdict; not served yet.</summary>
    public const string Pending = "pending";

    public const string Clean = "clean";

    /// <summary>The scanner found something: the file is moved into quarantine and never served.</summary>
    public const string Infected = "infected";

    /// <summary>No verdict after every attempt, or a file the scanner cannot take: not served.</summary>
    public const string Failed = "scan_failed";

    public static bool IsServable(string status) => status is Unscanned or Clean;
}
