using Orleans.Uploads.Grains.Catalog;
using Orleans.Uploads.Hosting.Catalog;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Grains.Tests.Infrastructure;

/// <summary>A two-silo TestCluster hosting the upload grains over a private data directory.</summary>
public class UploadClusterFixture : IAsyncLifetime
{
    public const int ChunkSize = 64 * 1024;
    public const long MaxFileSize = 16L * 1024 * 1024;

    public TempDirectory Data { get; } = new("grain-tests");

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public string TempDirectory => Data.Combine("temp");

    public string FinalDirectory => Data.Combine("final");

    /// <summary>The seed's tables the silos keep (SQLite next to the grain state), to read what they wrote.</summary>
    public IUploadCatalog Catalog => _catalog ??= new SqliteUploadCatalog(Path.Combine(Data.Combine("state"), CatalogLocation.DefaultFileName));

    private IUploadCatalog? _catalog;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);
        var settings = new Dictionary<string, string?>
        {
            ["Uploads:TempDirectory"] = TempDirectory,
            ["Uploads:FinalDirectory"] = FinalDirectory,
            ["Uploads:StateDirectory"] = Data.Combine("state"),
            ["Uploads:ChunkSize"] = ChunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Uploads:MaxFileSize"] = MaxFileSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Uploads:MaxConcurrentChunks"] = "3",
        };
        foreach (var (key, value) in ExtraSettings())
        {
            settings[key] = value;
        }

        builder.ConfigureHostConfiguration(configuration => configuration.AddInMemoryCollection(settings));
        ConfigureSilos(builder);
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        Data.Dispose();
    }

    protected virtual IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => [];

    protected virtual void ConfigureSilos(TestClusterBuilder builder) => builder.AddSiloBuilderConfigurator<UploadSiloConfigurator>();
}
