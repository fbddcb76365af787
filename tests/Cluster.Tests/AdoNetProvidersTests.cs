using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.Uploads.Cluster.Tests.Infrastructure;
using Orleans.Uploads.Grains;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Cluster.Tests;

/// <summary>The three Orleans ADO.NET providers, running in real silos against our schema.</summary>
public sealed class AdoNetProvidersTests(AdoNetClusterFixture fixture) : IClassFixture<AdoNetClusterFixture>
{
    private const string StateName = "probe";

    private IGrainFactory Grains => fixture.Cluster.Client;

    [Fact]
    public async Task Both_silos_are_active_in_the_membership_table()
    {
        var hosts = await Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);

        Assert.Equal(2, hosts.Count);
        Assert.All(hosts.Values, status => Assert.Equal(SiloStatus.Active, status));
        var rows = await Sql.ScalarAsync<long>(
            fixture.ConnectionString,
            "SELECT count(*) FROM orleans_membership WHERE deployment_id = @cluster AND status = 3",
            ("cluster", fixture.Cluster.Options.ClusterId));
        Assert.Equal(2L, rows);
    }

    [Fact]
    public async Task Grain_state_is_written_read_back_after_deactivation_cleared_and_written_again()
    {
        var probe = Grains.GetGrain<IProbeGrain>(Guid.NewGuid());
        await probe.SaveAsync("first");
        var before = await probe.ReadAsync();
        await probe.DeactivateAsync();

        var reread = await Eventually.WaitForAsync(
            async () => await probe.ReadAsync() is { } now && now.Activation != before.Activation ? now : null,
            "a new activation of the probe");
        Assert.Equal("first", reread.Value);
        Assert.Equal(before.ETag, reread.ETag);
        Assert.True(reread.RecordExists);

        await probe.ClearAsync();
        var cleared = await probe.ReadAsync();
        Assert.Null(cleared.Value);
        Assert.False(cleared.RecordExists);

        await probe.SaveAsync("second");
        var management = Grains.GetGrain<IManagementGrain>(0);
        var revived = await Eventually.WaitForAsync(
            async () =>
            {
                await management.ForceActivationCollection(TimeSpan.Zero);
                return await probe.ReadAsync() is { } now && now.Activation != cleared.Activation ? now : null;
            },
            "the probe to be collected and activated again");
        Assert.Equal("second", revived.Value);
        Assert.True(revived.RecordExists);

        // Three writes and a clear, each one version: insert 1, clear 2, write 3 (the first read saw 1).
        Assert.Equal("1", before.ETag);
        Assert.Equal("3", revived.ETag);
    }

    [Fact]
    public async Task A_write_or_clear_with_a_stale_etag_is_refused_as_a_version_conflict()
    {
        var storage = Storage(GrainStorageNames.Uploads);
        foreach (var grainId in Keys())
        {
            var current = new GrainState<ProbeState> { State = new ProbeState { Value = "a" } };
            await storage.WriteStateAsync(StateName, grainId, current);
            Assert.Equal("1", current.ETag);

            // A second activation that read the same version, and one that never read at all.
            var stale = await ReadAsync(storage, grainId);
            var blind = new GrainState<ProbeState> { State = new ProbeState { Value = "blind" } };

            current.State.Value = "b";
            await storage.WriteStateAsync(StateName, grainId, current);
            Assert.Equal("2", current.ETag);

            stale.State!.Value = "stale";
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grainId, stale));
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, grainId, stale));
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grainId, blind));

            var stored = await ReadAsync(storage, grainId);
            Assert.Equal("b", stored.State!.Value);
            Assert.Equal("2", stored.ETag);
        }
    }

    [Fact]
    public async Task Clearing_keeps_the_version_counting_or_deletes_the_row_when_so_configured()
    {
        foreach (var (provider, deletes) in new[] { (GrainStorageNames.Uploads, false), (AdoNetClusterFixture.DeleteOnClearStorage, true) })
        {
            var storage = Storage(provider);
            var grainId = GrainId.Create(GrainType.Create(ProbeGrain.TypeName), $"clear-{Guid.NewGuid()}");
            var state = new GrainState<ProbeState> { State = new ProbeState { Value = "a" } };
            await storage.WriteStateAsync(StateName, grainId, state);

            await storage.ClearStateAsync(StateName, grainId, state);
            Assert.False(state.RecordExists);
            Assert.Equal(deletes ? null : "2", state.ETag);
            var rows = await Sql.ScalarAsync<long>(
                fixture.ConnectionString, "SELECT count(*) FROM orleans_grain_state WHERE grain_type = @state AND grain_id_ext = @key", ("state", StateName), ("key", grainId.Key.ToString()));
            Assert.Equal(deletes ? 0L : 1L, rows);

            var reread = await ReadAsync(storage, grainId);
            Assert.False(reread.RecordExists);
            Assert.Null(reread.State!.Value);

            reread.State.Value = "again";
            await storage.WriteStateAsync(StateName, grainId, reread);
            Assert.Equal(deletes ? "1" : "3", reread.ETag);
            Assert.Equal("again", (await ReadAsync(storage, grainId)).State!.Value);
        }
    }

    [Fact]
    public async Task A_reminder_fires_and_is_removed_when_unregistered()
    {
        var key = Guid.NewGuid();
        var probe = Grains.GetGrain<IProbeGrain>(key);
        await probe.StartTickingAsync("tick", TimeSpan.FromSeconds(1));

        await Eventually.WaitUntilAsync(async () => (await probe.ReadAsync()).Ticks >= 2, "the reminder to fire twice", TimeSpan.FromSeconds(30));
        var grainId = probe.GetGrainId().ToString();
        Assert.Equal(1L, await ReminderRowsAsync(grainId));

        await probe.StopTickingAsync("tick");
        Assert.Equal(0L, await ReminderRowsAsync(grainId));
    }

    [Fact]
    public async Task The_reminder_table_honours_etags_and_reads_every_hash_range_including_wrapping_ones()
    {
        var table = fixture.Cluster.GetSiloServiceProvider().GetRequiredService<IReminderTable>();
        var far = DateTime.UtcNow.AddHours(1);
        var entries = Enumerable.Range(0, 64)
            .Select(_ => new ReminderEntry { GrainId = Grains.GetGrain<IProbeGrain>(Guid.NewGuid()).GetGrainId(), ReminderName = "ranged", StartAt = far, Period = TimeSpan.FromHours(1) })
            .ToList();
        try
        {
            foreach (var entry in entries)
            {
                entry.ETag = await table.UpsertRow(entry);
            }

            var first = entries[0];
            var updated = await table.UpsertRow(first);
            Assert.NotEqual(first.ETag, updated);
            Assert.False(await table.RemoveRow(first.GrainId, first.ReminderName, first.ETag!));
            Assert.Equal(updated, (await table.ReadRow(first.GrainId, first.ReminderName))!.ETag);
            first.ETag = updated;

            var mine = entries.Select(entry => entry.GrainId).ToHashSet();
            (uint Begin, uint End)[] ranges =
            [
                (0x00000000, 0x40000000), // low half only
                (0x60000000, 0xA0000000), // across the signed boundary
                (0xC0000000, 0xF0000000), // high half only
                (0xE0000000, 0x20000000), // wraps around zero
                (0x12345678, 0x12345678), // the whole ring
            ];
            foreach (var (begin, end) in ranges)
            {
                var expected = entries.Where(entry => InRange(entry.GrainId.GetUniformHashCode(), begin, end)).Select(entry => entry.GrainId).Order().ToList();
                var read = (await table.ReadRows(begin, end)).Reminders.Select(entry => entry.GrainId).Where(mine.Contains).Order().ToList();
                Assert.Equal(expected, read);
            }
        }
        finally
        {
            foreach (var entry in entries)
            {
                Assert.True(await table.RemoveRow(entry.GrainId, entry.ReminderName, entry.ETag!));
            }
        }
    }

    /// <summary>Orleans' ring ranges are (begin, end], wrapping past uint.MaxValue; begin == end is the whole ring.</summary>
    private static bool InRange(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;

    private IGrainStorage Storage(string name) =>
        fixture.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(name);

    /// <summary>One grain id of each key shape: Guid, Guid with extension, integer with extension, string.</summary>
    private static IEnumerable<GrainId> Keys()
    {
        var type = GrainType.Create(ProbeGrain.TypeName);
        yield return GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(Guid.NewGuid()));
        yield return GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(Guid.NewGuid(), "extension"));
        yield return GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(Random.Shared.NextInt64(), "extension"));
        yield return GrainId.Create(type, $"string-key-{Guid.NewGuid()}");
    }

    private static async Task<GrainState<ProbeState>> ReadAsync(IGrainStorage storage, GrainId grainId)
    {
        var state = new GrainState<ProbeState>();
        await storage.ReadStateAsync(StateName, grainId, state);
        return state;
    }

    private Task<long> ReminderRowsAsync(string grainId) =>
        Sql.ScalarAsync<long>(fixture.ConnectionString, "SELECT count(*) FROM orleans_reminders WHERE grain_id = @grain", ("grain", grainId));
}
