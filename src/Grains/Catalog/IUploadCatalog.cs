using Orleans.Uploads.Grains.Videos;

namespace Orleans.Uploads.Grains.Catalog;

/// <summary>
/// The seed's SQL tables (upload_sessions, upload_chunks, videos) that the rest of a platform queries: PostgreSQL in a
/// cluster, an embedded SQLite file standalone (see src/Hosting/Catalog). Grain state stays the source of truth; these
/// tables are a projection of it, so every write must be idempotent: an upsert keyed by the row's identity, and a session
/// row never replaced by an older revision.
/// </summary>
public interface IUploadCatalog
{
    /// <summary>Creates the tables when this store makes its own (SQLite); PostgreSQL's come from the schema migrations.</summary>
    Task EnsureCreatedAsync(CancellationToken cancellationToken);

    /// <summary>Writes the whole batch in one transaction, or nothing.</summary>
    Task WriteAsync(CatalogBatch batch, CancellationToken cancellationToken);

    /// <summary>A project's videos by (created_at, id), the ones after <paramref name="after"/>, at most <paramref name="limit"/>.</summary>
    Task<VideoPage> ListVideosAsync(string projectId, VideoCursor? after, int limit, CancellationToken cancellationToken);
}

/// <summary>One page of a project's videos; <see cref="Next"/> is where the next page starts, null on the last one.</summary>
public sealed record VideoPage(IReadOnlyList<VideoRecord> Videos, VideoCursor? Next);
