namespace Orleans.Uploads.Grains.Scanning;

/// <summary>What a scanner said about one video: clean, or infected with the named finding.</summary>
[GenerateSerializer, Immutable, Alias("uploads.ScanVerdict")]
public sealed record ScanVerdict([property: Id(0)] bool Infected, [property: Id(1)] string? Finding = null)
{
    public static readonly ScanVerdict Clean = new(false);

    public static ScanVerdict InfectedWith(string finding) => new(true, finding);
}
