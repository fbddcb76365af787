using System.Globalization;

namespace Orleans.Uploads.Hosting.Postgres;

/// <summary>
/// One numbered SQL file of Postgres/Schema, embedded as <c>Orleans.Uploads.Schema.0002_membership.sql</c>:
/// version 2, name <c>0002_membership</c>. Versions only ever grow; a shipped file is never edited, a change is a new file.
/// </summary>
internal sealed record SchemaMigration(int Version, string Name, string Sql)
{
    private const string ResourcePrefix = "Orleans.Uploads.Schema.";
    private const string ResourceSuffix = ".sql";

    /// <summary>Every embedded migration, by ascending version.</summary>
    public static IReadOnlyList<SchemaMigration> LoadEmbedded()
    {
        var assembly = typeof(SchemaMigration).Assembly;
        var migrations = new List<SchemaMigration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !resource.EndsWith(ResourceSuffix, StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[ResourcePrefix.Length..^ResourceSuffix.Length];
            var separator = name.IndexOf('_', StringComparison.Ordinal);
            if (separator <= 0 || !int.TryParse(name.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version <= 0)
            {
                throw new InvalidOperationException($"Schema migration '{resource}' is not named <version>_<what>.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new SchemaMigration(version, name, reader.ReadToEnd()));
        }

        if (migrations.Count == 0)
        {
            throw new InvalidOperationException("No PostgreSQL schema migrations are embedded in this build.");
        }

        if (migrations.GroupBy(migration => migration.Version).FirstOrDefault(group => group.Count() > 1) is { } clash)
        {
            throw new InvalidOperationException($"Schema migrations {string.Join(" and ", clash.Select(m => m.Name))} share version {clash.Key}.");
        }

        return [.. migrations.OrderBy(migration => migration.Version)];
    }
}
