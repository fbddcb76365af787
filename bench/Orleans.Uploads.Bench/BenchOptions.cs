using System.Globalization;

namespace Orleans.Uploads.Bench;

public sealed class BenchOptions
{
    public required long FileSize { get; init; }

    public required int Runs { get; init; }

    public required IReadOnlyList<string> Scenarios { get; init; }

    public required int ManyUploads { get; init; }

    public required int ManyClients { get; init; }

    public required IReadOnlyDictionary<string, string> ServerEnvironment { get; init; }

    public string? ResultsDirectory { get; init; }

    public bool Perf { get; init; }

    public bool FailFast { get; init; }

    public bool Quick { get; init; }

    /// <summary>The seed API's and tus's piece size, and what the service defaults to.</summary>
    public int ChunkSize { get; init; } = 5 * Sizes.MiB;

    /// <summary>Size of each upload in the many-small-uploads scenario.</summary>
    public int SmallUploadSize { get; init; } = Sizes.MiB;
}

public static class Sizes
{
    public const int MiB = 1024 * 1024;
    public const long GiB = 1024L * MiB;

    public static long Parse(string text)
    {
        var value = text.Trim();
        (string Suffix, long Factor)[] units =
        [
            ("GiB", GiB), ("MiB", MiB), ("KiB", 1024), ("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1000), ("G", GiB), ("M", MiB), ("K", 1024), ("B", 1),
        ];
        foreach (var (suffix, factor) in units)
        {
            if (value.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                var number = double.Parse(value[..^suffix.Length].Trim(), CultureInfo.InvariantCulture);
                return Checked((long)(number * factor), text);
            }
        }

        return Checked(long.Parse(value, CultureInfo.InvariantCulture), text);
    }

    public static string Format(long bytes) => bytes switch
    {
        >= GiB when bytes % GiB == 0 => $"{bytes / GiB} GiB",
        >= MiB when bytes % MiB == 0 => $"{bytes / MiB} MiB",
        _ => $"{bytes / (double)MiB:F1} MiB",
    };

    private static long Checked(long bytes, string text) =>
        bytes is >= MiB and <= 64 * GiB ? bytes : throw new ArgumentException($"--size must be between 1 MiB and 64 GiB: '{text}'");
}
