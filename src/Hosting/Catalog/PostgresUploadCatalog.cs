using System.Data.Common;
using Npgsql;

namespace Orleans.Uploads.Hosting.Catalog;

/// <summary>
/// The seed's tables in the cluster's PostgreSQL (created by migration 0005_upload_catalog, which silos apply at start).
/// One pooled data source per process; timestamps go to timestamptz in UTC (Npgsql refuses other offsets).
/// </summary>
public sealed class PostgresUploadCatalog(string connectionString) : SqlUploadCatalog, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    public override Task EnsureCreatedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    protected override string Json(string parameter) => $"{parameter}::jsonb";

    protected override string Greatest(string left, string right) => $"GREATEST({left}, {right})";

    protected override object IdValue(Guid id) => id;

    protected override object TimeValue(DateTimeOffset time) => time.ToUniversalTime();

    protected override Guid ReadId(DbDataReader reader, int ordinal) => reader.GetGuid(ordinal);

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
