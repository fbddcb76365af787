using System.Globalization;
using System.Text.RegularExpressions;

namespace Orleans.Uploads.TestSupport;

/// <summary>
/// A scrape of <c>/metrics</c> (Prometheus text format) read back for assertions: the value of one series by its metric
/// name and some of its labels.
/// </summary>
public sealed partial class PrometheusText(string text)
{
    public string Text { get; } = text;

    /// <summary>
    /// The value of the one series named <paramref name="metric"/> whose labels include every pair of <paramref name="labels"/>;
    /// 0 when there is none (a counter never incremented is not exported), an error when several match.
    /// </summary>
    public double Value(string metric, params (string Name, string Value)[] labels)
    {
        var matches = Series()
            .Where(series => series.Name == metric && labels.All(label => series.Labels.Contains($"{label.Name}=\"{label.Value}\"")))
            .ToList();
        return matches.Count switch
        {
            0 => 0,
            1 => matches[0].Value,
            _ => throw new InvalidOperationException($"{matches.Count} series of {metric} match; name more labels:\n{Text}"),
        };
    }

    private IEnumerable<(string Name, string Labels, double Value)> Series() =>
        Text.Split('\n')
            .Select(line => SeriesLine().Match(line))
            .Where(match => match.Success)
            .Select(match => (match.Groups["name"].Value, match.Groups["labels"].Value, double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)")]
    private static partial Regex SeriesLine();
}
