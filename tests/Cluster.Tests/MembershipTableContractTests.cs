using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Runtime;
using Orleans.Runtime.Membership;
using Orleans.Runtime.MembershipService;
using Orleans.Uploads.Cluster.Tests.Infrastructure;
using Orleans.Uploads.Hosting.Postgres;

namespace Orleans.Uploads.Cluster.Tests;

/// <summary>
/// The ADO.NET membership table driven directly, as the membership protocol drives it: the optimistic concurrency on
/// the table version is what keeps two silos from both deciding who is alive, so it is checked case by case here.
/// </summary>
public sealed class MembershipTableContractTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string ClusterId = "contract";
    private static readonly DateTime LongAgo = DateTime.UtcNow.AddHours(-1).Truncate();

    [Fact]
    public async Task Adding_a_silo_needs_the_version_that_was_read_and_moves_it_on()
    {
        var (table, _) = await CreateTableAsync();
        var empty = await table.ReadAllAsync();
        Assert.Empty(empty.Members);
        Assert.Equal(0, empty.Version.Version);

        Assert.True(await table.InsertRowAsync(Silo(1), empty.Version.Next()));
        var one = await table.ReadAllAsync();
        Assert.Equal(1, one.Version.Version);
        Assert.Equal(Silo(1).SiloAddress, Assert.Single(one.Members).Item1.SiloAddress);

        // Another silo that read the table before that insert is refused, and changes nothing.
        Assert.False(await table.InsertRowAsync(Silo(2), empty.Version.Next()));
        // Adding a silo that is already there is refused too, and does not move the version either.
        Assert.False(await table.InsertRowAsync(Silo(1), one.Version.Next()));

        var after = await table.ReadAllAsync();
        Assert.Equal(1, after.Version.Version);
        Assert.Single(after.Members);
    }

    [Fact]
    public async Task Changing_a_silo_needs_the_current_version_and_heartbeats_change_no_version()
    {
        var (table, _) = await CreateTableAsync();
        Assert.True(await table.InsertRowAsync(Silo(1), (await table.ReadAllAsync()).Version.Next()));
        var read = await table.ReadAllAsync();
        var (entry, etag) = Assert.Single(read.Members);

        entry.Status = SiloStatus.Dead;
        entry.SuspectTimes = [Tuple.Create(Silo(2).SiloAddress, LongAgo)];
        Assert.True(await table.UpdateRowAsync(entry, etag, read.Version.Next()));
        var dead = await table.ReadRowAsync(entry.SiloAddress);
        var (stored, _) = Assert.Single(dead.Members);
        Assert.Equal(SiloStatus.Dead, stored.Status);
        Assert.Equal(entry.SuspectTimes, stored.SuspectTimes);
        Assert.Equal(2, dead.Version.Version);

        // Stale: based on the version before that update.
        Assert.False(await table.UpdateRowAsync(entry, etag, read.Version.Next()));
        // A silo that is not in the table cannot be updated, and the attempt leaves the version alone.
        var missing = Silo(3);
        Assert.False(await table.UpdateRowAsync(missing, dead.Version.VersionEtag, dead.Version.Next()));
        Assert.Equal(2, (await table.ReadAllAsync()).Version.Version);

        var alive = DateTime.UtcNow.Truncate();
        entry.IAmAliveTime = alive;
        await table.UpdateIAmAliveAsync(entry);
        var beat = await table.ReadRowAsync(entry.SiloAddress);
        Assert.Equal(alive, Assert.Single(beat.Members).Item1.IAmAliveTime);
        Assert.Equal(2, beat.Version.Version);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Cleanup_forgets_only_silos_that_are_dead_since_before_the_cutoff(bool withPerRowQuery)
    {
        var (table, database) = await CreateTableAsync(removeOptionalCleanupQuery: !withPerRowQuery);
        var activeLongAgo = Silo(1);
        var deadLongAgo = Silo(2);
        var deadJustNow = Silo(3);
        foreach (var silo in new[] { activeLongAgo, deadLongAgo, deadJustNow })
        {
            Assert.True(await table.InsertRowAsync(silo, (await table.ReadAllAsync()).Version.Next()));
        }

        await MarkDeadAsync(table, deadLongAgo, LongAgo);
        await MarkDeadAsync(table, deadJustNow, DateTime.UtcNow.Truncate());

        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(-10));

        var left = (await table.ReadAllAsync()).Members.Select(member => member.Item1.SiloAddress).ToHashSet();
        Assert.Equal([activeLongAgo.SiloAddress, deadJustNow.SiloAddress], left);
        Assert.Equal(2L, await Sql.ScalarAsync<long>(database, "SELECT count(*) FROM orleans_membership"));
    }

    [Fact]
    public async Task Gateways_are_the_active_silos_that_accept_clients()
    {
        var (table, database) = await CreateTableAsync();
        var gateway = Silo(1, proxyPort: 30001);
        var noGateway = Silo(2, proxyPort: 0);
        var joining = Silo(3, proxyPort: 30003, SiloStatus.Joining);
        foreach (var silo in new[] { gateway, noGateway, joining })
        {
            Assert.True(await table.InsertRowAsync(silo, (await table.ReadAllAsync()).Version.Next()));
        }

        var provider = new AdoNetGatewayListProvider(
            NullLogger<AdoNetGatewayListProvider>.Instance,
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new AdoNetClusteringClientOptions { Invariant = "Npgsql", ConnectionString = database }),
            Options.Create(new GatewayOptions()),
            Options.Create(new ClusterOptions { ClusterId = ClusterId, ServiceId = ClusterId }));
        await provider.InitializeGatewayListProviderAsync();

        var gateways = await provider.GetGatewaysAsync();
        Assert.Equal([SiloAddress.New(IPAddress.Loopback, 30001, gateway.SiloAddress.Generation).ToGatewayUri()], gateways);
    }

    [Fact]
    public async Task Deleting_the_cluster_removes_its_version_and_members_but_no_other_cluster()
    {
        var (table, database) = await CreateTableAsync();
        var (other, _) = await CreateTableAsync(database, "other-cluster");
        Assert.True(await table.InsertRowAsync(Silo(1), (await table.ReadAllAsync()).Version.Next()));
        Assert.True(await other.InsertRowAsync(Silo(1), (await other.ReadAllAsync()).Version.Next()));

        await table.DeleteMembershipTableEntriesAsync(ClusterId);

        Assert.Equal(["other-cluster"], await Sql.RowsAsync(database, "SELECT deployment_id FROM orleans_membership_version"));
        Assert.Equal(["other-cluster"], await Sql.RowsAsync(database, "SELECT deployment_id FROM orleans_membership"));
    }

    private static async Task MarkDeadAsync(AdoNetClusteringTable table, MembershipEntry silo, DateTime lastAlive)
    {
        var read = await table.ReadAllAsync();
        var (entry, etag) = read.Members.Single(member => member.Item1.SiloAddress.Equals(silo.SiloAddress));
        entry.Status = SiloStatus.Dead;
        entry.IAmAliveTime = lastAlive;
        Assert.True(await table.UpdateRowAsync(entry, etag, read.Version.Next()));
    }

    private async Task<(AdoNetClusteringTable Table, string Database)> CreateTableAsync(bool removeOptionalCleanupQuery = false)
    {
        var database = await postgres.CreateDatabaseAsync();
        await PostgresSchema.ApplyAsync(database, NullLogger.Instance, CancellationToken.None);
        if (removeOptionalCleanupQuery)
        {
            // As an older schema would be: the provider then falls back to the bulk cleanup query.
            await Sql.ExecuteAsync(database, "DELETE FROM orleansquery WHERE querykey = @key", ("key", ProviderContract.OptionalCleanupKey));
        }

        return await CreateTableAsync(database, ClusterId);
    }

    private static async Task<(AdoNetClusteringTable Table, string Database)> CreateTableAsync(string database, string clusterId)
    {
        var table = new AdoNetClusteringTable(
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = clusterId }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = "Npgsql", ConnectionString = database }),
            NullLogger<AdoNetClusteringTable>.Instance);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        return (table, database);
    }

    private static MembershipEntry Silo(int number, int proxyPort = 30000, SiloStatus status = SiloStatus.Active) => new()
    {
        SiloAddress = SiloAddress.New(IPAddress.Loopback, 11110 + number, 1000 + number),
        SiloName = $"silo-{number}",
        HostName = "test-host",
        Status = status,
        ProxyPort = proxyPort,
        StartTime = LongAgo,
        IAmAliveTime = LongAgo,
    };
}

internal static class TimeExtensions
{
    /// <summary>To whole seconds: PostgreSQL keeps microseconds, .NET ticks are finer.</summary>
    public static DateTime Truncate(this DateTime time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), time.Kind);
}
