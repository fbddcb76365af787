using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Tests.Infrastructure;

namespace Orleans.Uploads.Grains.Tests;

/// <summary>A cluster whose upload grains read time from a clock the test moves; Orleans itself keeps the real one.</summary>
public sealed class ManualClockClusterFixture : UploadClusterFixture
{
    public static readonly FakeTimeProvider Clock = new(DateTimeOffset.UtcNow);

    public sealed class Configurator : UploadSiloConfigurator
    {
        public override void Configure(ISiloBuilder siloBuilder)
        {
            base.Configure(siloBuilder);
            siloBuilder.Services.AddKeyedSingleton<TimeProvider>(UploadClock.Key, Clock);
        }
    }

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => [new("Uploads:UploadTimeout", "00:10:00")];

    protected override void ConfigureSilos(TestClusterBuilder builder) => builder.AddSiloBuilderConfigurator<Configurator>();
}

public sealed class ExpiryTests(ManualClockClusterFixture cluster) : IClassFixture<ManualClockClusterFixture>
{
    private static readonly FakeTimeProvider Clock = ManualClockClusterFixture.Clock;
    private readonly TestFile _file = new(200_000, seed: 9);

    [Fact]
    public async Task Idle_sessions_expire_active_and_completed_ones_do_not()
    {
        var idle = await cluster.Grains.StartAsync(_file);
        await idle.PutAsync(_file, 0);
        var active = await cluster.Grains.StartAsync(_file);
        var completed = await cluster.Grains.StartAsync(_file);
        for (var chunk = 0; chunk < _file.Layout.TotalChunks; chunk++)
        {
            await completed.PutAsync(_file, chunk);
        }

        Clock.Advance(TimeSpan.FromMinutes(6));
        await active.PutAsync(_file, 0);
        Clock.Advance(TimeSpan.FromMinutes(6));

        Assert.Equal(UploadStatus.Expired, (await idle.SnapshotAsync()).Status);
        Assert.Equal(UploadStatus.Uploading, (await active.SnapshotAsync()).Status);
        Assert.Equal(UploadStatus.Completed, (await completed.SnapshotAsync()).Status);
        Assert.False(File.Exists(Path.Combine(cluster.TempDirectory, idle.GetPrimaryKey().ToString("N") + ".part")));
        Assert.Equal(UploadErrorCode.UploadExpired, (await idle.PutChunkAsync(1, _file.Chunk(1), null)).Code());
        Assert.Equal(UploadErrorCode.UploadExpired, (await idle.CompleteAsync()).Code());
    }

    [Fact]
    public void Moving_the_uploads_clock_leaves_the_clock_Orleans_times_itself_by_alone()
    {
        foreach (var silo in cluster.Cluster.Silos.Cast<InProcessSiloHandle>())
        {
            Assert.Same(Clock, silo.SiloHost.Services.GetRequiredKeyedService<TimeProvider>(UploadClock.Key));
            Assert.Same(TimeProvider.System, silo.SiloHost.Services.GetRequiredService<TimeProvider>());
        }
    }

    [Fact]
    public async Task A_session_touched_after_its_timeout_expires_on_that_touch()
    {
        var session = await cluster.Grains.StartAsync(_file);

        Clock.Advance(TimeSpan.FromMinutes(11));
        var late = await session.PutChunkAsync(0, _file.Chunk(0), null);

        Assert.Equal(UploadErrorCode.UploadExpired, late.Code());
        Assert.Equal(UploadStatus.Expired, (await session.SnapshotAsync()).Status);
    }
}
