using Orleans.Uploads.Grains.Quotas;
using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Tests.Infrastructure;

namespace Orleans.Uploads.Grains.Tests;

/// <summary>A cluster where one caller may hold 1 MiB in unfinished uploads and one project 1.5 MiB.</summary>
public sealed class QuotaClusterFixture : UploadClusterFixture
{
    public const long CallerQuota = 1024 * 1024;
    public const long ProjectQuota = 1536 * 1024;

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
    [
        new("Uploads:MaxUnfinishedBytesPerCaller", CallerQuota.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Uploads:MaxUnfinishedBytesPerProject", ProjectQuota.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];
}

/// <summary>Quotas on bytes in unfinished uploads: reserved at initiate or as bytes arrive, given back however an upload ends.</summary>
public sealed class QuotaTests(QuotaClusterFixture cluster) : IClassFixture<QuotaClusterFixture>
{
    private const int Size = 600 * 1024;

    [Fact]
    public async Task A_caller_past_its_quota_is_refused_until_one_of_its_uploads_ends()
    {
        var (caller, project) = Owners();
        var first = await StartAsync(caller, project);
        var refused = await cluster.Grains.Session(Guid.NewGuid()).InitiateAsync(Request(caller, project));
        var otherCaller = await StartAsync(Guid.NewGuid().ToString("N"), project);

        Assert.Equal(UploadErrorCode.QuotaExceeded, refused.Code());
        Assert.Equal(Size, await ReservedAsync(QuotaLedgers.ForCaller(caller)));
        Assert.Equal(2 * Size, await ReservedAsync(QuotaLedgers.ForProject(project)));

        Assert.True((await first.CancelAsync()).IsSuccess);
        await otherCaller.CancelAsync();
        Assert.Equal(0, await ReservedAsync(QuotaLedgers.ForCaller(caller)));
        await StartAsync(caller, project);
    }

    [Fact]
    public async Task A_project_past_its_quota_is_refused_whoever_asks()
    {
        var (_, project) = Owners();
        await StartAsync(Guid.NewGuid().ToString("N"), project);
        await StartAsync(Guid.NewGuid().ToString("N"), project);

        var refused = await cluster.Grains.Session(Guid.NewGuid()).InitiateAsync(Request(Guid.NewGuid().ToString("N"), project));

        Assert.Equal(UploadErrorCode.QuotaExceeded, refused.Code());
        Assert.Equal(2 * Size, await ReservedAsync(QuotaLedgers.ForProject(project)));
    }

    [Fact]
    public async Task Completing_an_upload_gives_its_bytes_back()
    {
        var (caller, project) = Owners();
        var file = new TestFile(Size, seed: 5);
        var session = await StartAsync(caller, project);
        for (var chunk = 0; chunk < file.Layout.TotalChunks; chunk++)
        {
            await session.PutAsync(file, chunk);
        }

        Assert.Equal(UploadStatus.Completed, (await session.SnapshotAsync()).Status);
        Assert.Equal(0, await ReservedAsync(QuotaLedgers.ForCaller(caller)));
        Assert.Equal(0, await ReservedAsync(QuotaLedgers.ForProject(project)));
    }

    [Fact]
    public async Task An_upload_of_unknown_length_is_stopped_at_the_quota_and_keeps_what_it_stored()
    {
        var (caller, project) = Owners();
        var session = cluster.Grains.Session(Guid.NewGuid());
        Assert.True((await session.InitiateAsync(new InitiateUpload("stream.mp4", null, project, Mode: UploadMode.Append, CallerId: caller))).IsSuccess);
        var lease = await session.LeaseAsync(0);
        var piece = new TestFile(256 * 1024, chunkSize: 256 * 1024, seed: 6);

        var answers = new List<UploadResult<AppendProgress>>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await session.AppendAsync(lease, piece.Chunk(0), commit: true));
        }

        Assert.All(answers.Take(4), answer => Assert.True(answer.IsSuccess, answer.Error?.Detail));
        Assert.Equal(UploadErrorCode.QuotaExceeded, answers[4].Code());
        Assert.Equal(QuotaClusterFixture.CallerQuota, (await session.SnapshotAsync()).UploadedBytes);
        Assert.Equal(QuotaClusterFixture.CallerQuota, await ReservedAsync(QuotaLedgers.ForCaller(caller)));
    }

    [Fact]
    public async Task Reserving_and_releasing_again_never_counts_twice()
    {
        var ledger = cluster.Grains.GetGrain<IQuotaLedgerGrain>(QuotaLedgers.ForCaller(Guid.NewGuid().ToString("N")));
        var upload = Guid.NewGuid();

        Assert.True(await ledger.TryReserveAsync(upload, 100, limit: 150));
        Assert.True(await ledger.TryReserveAsync(upload, 100, limit: 150));
        Assert.True(await ledger.TryReserveAsync(upload, 50, limit: 150));
        Assert.Equal(100, await ledger.GetReservedAsync());
        Assert.False(await ledger.TryReserveAsync(Guid.NewGuid(), 51, limit: 150));

        await ledger.ReleaseAsync(upload);
        await ledger.ReleaseAsync(upload);
        Assert.Equal(0, await ledger.GetReservedAsync());
    }

    private static (string Caller, string Project) Owners() => (Guid.NewGuid().ToString("N"), "p" + Guid.NewGuid().ToString("N"));

    private static InitiateUpload Request(string caller, string project) =>
        new("clip.mp4", Size, project, UploadClusterFixture.ChunkSize, CallerId: caller);

    private async Task<SessionUnderTest> StartAsync(string caller, string project)
    {
        var session = cluster.Grains.Session(Guid.NewGuid());
        var started = await session.InitiateAsync(Request(caller, project));
        Assert.True(started.IsSuccess, started.Error?.Detail);
        return session;
    }

    private Task<long> ReservedAsync(string ledger) => cluster.Grains.GetGrain<IQuotaLedgerGrain>(ledger).GetReservedAsync();
}
