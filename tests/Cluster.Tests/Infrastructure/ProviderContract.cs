using System.Reflection;
using System.Text.RegularExpressions;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService;
using Orleans.Storage;

namespace Orleans.Uploads.Cluster.Tests.Infrastructure;

/// <summary>
/// The OrleansQuery keys the installed provider assemblies require, read from the assemblies themselves, so an
/// Orleans upgrade that needs a new query fails a test here instead of a silo at start-up.
/// </summary>
public static partial class ProviderContract
{
    /// <summary>Optional in 10.4 (the provider falls back without it), and provided by our schema.</summary>
    public const string OptionalCleanupKey = "CleanupDefunctSiloEntryKey";

    /// <summary>Clustering and reminders check that every internal property of their DbStoredQueries has a row.</summary>
    public static IReadOnlyList<string> Clustering => StoredQueryKeys(typeof(AdoNetClusteringTable).Assembly, "Orleans.Clustering.AdoNet.Storage.DbStoredQueries");

    public static IReadOnlyList<string> Reminders => StoredQueryKeys(typeof(AdoNetReminderTableOptions).Assembly, "Orleans.Reminders.AdoNet.Storage.DbStoredQueries");

    /// <summary>Grain storage loads the keys named in its initialization query (DeleteStorageKey only matters with DeleteStateOnClear).</summary>
    public static IReadOnlyList<string> GrainStorage =>
        [.. QuotedKey().Matches(AdoNetGrainStorage.DefaultInitializationQuery).Select(match => match.Groups[1].Value)];

    private static List<string> StoredQueryKeys(Assembly assembly, string typeName)
    {
        var type = assembly.GetType(typeName, throwOnError: true)!;
        return [.. type.GetProperties(BindingFlags.Instance | BindingFlags.NonPublic).Select(property => property.Name)];
    }

    [GeneratedRegex("'(\\w+Key)'")]
    private static partial Regex QuotedKey();
}
