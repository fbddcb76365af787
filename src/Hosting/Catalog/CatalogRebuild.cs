using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.Uploads.Grains;
using Orleans.Uploads.Grains.Catalog;
using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Videos;
using Orleans.Uploads.Hosting.Configuration;
using Orleans.Uploads.Hosting.GrainStorage;

namespace Orleans.Uploads.Hosting.Catalog;

/// <summary>
/// <c>rebuild-tables</c>: writes the seed's tables again from grain state, read straight from where it is stored (the
/// local SQLite grain storage standalone, the Orleans grain-state table in PostgreSQL), so it works with the cluster down. Every
/// write is the same idempotent, revision-guarded upsert the grains make, so running it against a live service is safe:
/// a row a grain wrote since is never replaced by an older one. It adds and updates rows; it deletes none.
/// Chunk rows carry the hashes grain state keeps (VerifyStoredChunks); a client's X-Chunk-Hash not kept in state is
/// only in rows the grains wrote, and an existing row keeps it.
/// </summary>
public static class CatalogRebuild
{
    private const int BatchSize = 200;

    public sealed record Counts(int Sessions, int Chunks, int Videos);

    /// <summary>Rebuilds from the process's configuration; <paramref name="services"/> is a built, not started, silo host.</summary>
    public static async Task<Counts> RunAsync(IServiceProvider services, IConfiguration configuration, CancellationToken cancellationToken)
    {
        var catalog = CatalogServices.Create(configuration);
        await catalog.EnsureCreatedAsync(cancellationToken);
        var serializer = services.GetService<IGrainStorageSerializer>()
            ?? throw new StartupFailureException("this process hosts no silo (Cluster:Mode=Client): run rebuild-tables on a silo or a standalone gateway");
        var cluster = configuration.GetSection(ClusterOptions.SectionName).Get<ClusterOptions>() ?? new ClusterOptions();
        var states = cluster.Clustering == ClusteringKind.Postgres
            ? PostgresGrainStates.ReadAsync(cluster.ConnectionString!, cluster.ServiceId, serializer, cancellationToken)
            : LocalGrainStates.ReadAsync(services.GetRequiredKeyedService<SqliteGrainStorage>(GrainStorageNames.Uploads));
        try
        {
            return await WriteAsync(catalog, states, cancellationToken);
        }
        finally
        {
            if (catalog is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    private static async Task<Counts> WriteAsync(SqlUploadCatalog catalog, IAsyncEnumerable<StoredState> states, CancellationToken cancellationToken)
    {
        var (sessions, chunks, videos) = (0, 0, 0);
        var uploadRows = new List<UploadRow>();
        var chunkRows = new List<ChunkRow>();
        var videoRows = new List<VideoChange>();
        await foreach (var state in states.WithCancellation(cancellationToken))
        {
            if (state.Session is { } session && SessionRows.Upload(state.Id, session) is { } row)
            {
                uploadRows.Add(row);
                chunkRows.AddRange(SessionRows.Chunks(state.Id, session, _ => null));
            }
            else if (state.Video is { } video)
            {
                videoRows.Add(new VideoChange(video.Id, VideoRows.Of(video)));
            }

            if (uploadRows.Count + videoRows.Count >= BatchSize)
            {
                await FlushAsync();
            }
        }

        await FlushAsync();
        return new Counts(sessions, chunks, videos);

        async Task FlushAsync()
        {
            await catalog.WriteAsync(new CatalogBatch(uploadRows, chunkRows, videoRows), cancellationToken);
            (sessions, chunks, videos) = (sessions + uploadRows.Count, chunks + chunkRows.Count, videos + videoRows.Count);
            uploadRows = [];
            chunkRows = [];
            videoRows = [];
        }
    }
}

/// <summary>One stored grain state the rebuild reads: a session's (with its upload id) or a video's.</summary>
internal sealed record StoredState(Guid Id, UploadSessionState? Session, VideoRecord? Video);
