using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Npgsql;

namespace Orleans.Uploads.Harness;

/// <summary>
/// A private PostgreSQL server from the machine's installed binaries: its own data directory, listening only on
/// 127.0.0.1 on a free port, trust authentication, no fsync. It can be stopped and started again on the same data
/// directory (and port) to test a database restart. initdb and postgres refuse to run as root, so when the tests
/// run as root (CI) the binaries run as the <c>postgres</c> system user, on directories it owns.
/// </summary>
public sealed partial class PostgresServer : IAsyncDisposable
{
    public const string DatabaseName = "uploads";
    public const string UserName = "postgres";

    /// <summary>Our settings, included from postgresql.conf; also where a restart finds the port again.</summary>
    private const string SettingsFile = "test-server.conf";
    private const string ServiceUser = "postgres";
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Servers not yet stopped, stopped at process exit should a test forget (or crash before) disposing.</summary>
    private static readonly ConcurrentDictionary<PostgresServer, byte> Running = new();

    private readonly string _binaries;
    private readonly string? _ownedRoot;

    static PostgresServer() => AppDomain.CurrentDomain.ProcessExit += (_, _) => StopLeftovers();

    private PostgresServer(string binaries, string dataDirectory, int port, string? ownedRoot)
    {
        _binaries = binaries;
        DataDirectory = dataDirectory;
        Port = port;
        _ownedRoot = ownedRoot;
    }

    public int Port { get; }

    public string DataDirectory { get; }

    /// <summary>The <c>uploads</c> database, as the superuser, over TCP.</summary>
    public string ConnectionString => ConnectionStringFor(DatabaseName);

    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = UserName, Database = database }.ConnectionString;

    /// <summary>
    /// Starts a server: a new cluster in a new temp directory, or the cluster already in
    /// <paramref name="dataDirectory"/> (on the port it had), or a new cluster there if it has none.
    /// Returns once the server accepts connections and has an <c>uploads</c> database.
    /// </summary>
    public static async Task<PostgresServer> StartAsync(string? dataDirectory = null)
    {
        var binaries = FindBinaries();
        string? ownedRoot = null;
        if (dataDirectory is null)
        {
            ownedRoot = CreateTempRoot();
            dataDirectory = Path.Combine(ownedRoot, "data");
        }

        dataDirectory = Path.GetFullPath(dataDirectory);

        try
        {
            var port = File.Exists(Path.Combine(dataDirectory, "PG_VERSION"))
                ? await ReuseClusterAsync(dataDirectory)
                : await CreateClusterAsync(binaries, dataDirectory);
            var server = new PostgresServer(binaries, dataDirectory, port, ownedRoot);
            await server.StartServerAsync();
            return server;
        }
        catch
        {
            DeleteTree(ownedRoot);
            throw;
        }
    }

    /// <summary>pg_ctl stop -m fast: the server can be started again with <see cref="StartAsync"/> on <see cref="DataDirectory"/>.</summary>
    public async Task StopAsync()
    {
        if (!Running.TryRemove(this, out _))
        {
            return;
        }

        await RunToolAsync("pg_ctl", "-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop");

        // Pooled connections to the stopped server are dead; don't hand them to the next test.
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Stops the server and deletes the temp directory if this instance created it.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        DeleteTree(_ownedRoot);
    }

    private async Task StartServerAsync()
    {
        Running[this] = 0;
        try
        {
            var log = Path.Combine(DataDirectory, "server.log");
            await RunToolAsync("pg_ctl", "-D", DataDirectory, "-l", log, "-w", "-t", "60", "start");
            await Eventually.WaitUntilAsync(CanConnectAsync, $"PostgreSQL on port {Port} to accept connections", TimeSpan.FromSeconds(30));
            await CreateDatabaseAsync();
        }
        catch (Exception ex)
        {
            var log = TryRead(Path.Combine(DataDirectory, "server.log"));
            await StopQuietlyAsync();
            throw new InvalidOperationException($"PostgreSQL did not start from {DataDirectory}: {ex.Message}\n{log}", ex);
        }
    }

    /// <summary>After a failed start: stop whatever did start, without hiding why the start failed.</summary>
    private async Task StopQuietlyAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // pg_ctl found no server to stop.
        }
    }

    private async Task<bool> CanConnectAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres") + ";Pooling=false;Timeout=5");
        await connection.OpenAsync();
        return true;
    }

    private async Task CreateDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres") + ";Pooling=false");
        await connection.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", DatabaseName);
        if (await exists.ExecuteScalarAsync() is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName}", connection);
            await create.ExecuteNonQueryAsync();
        }
    }

    /// <summary>initdb into <paramref name="dataDirectory"/>, then our settings; returns the port chosen.</summary>
    private static async Task<int> CreateClusterAsync(string binaries, string dataDirectory)
    {
        CreateDirectory(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await GiveToServiceUserAsync(dataDirectory);
        await RunAsync(binaries, "initdb", "-D", dataDirectory, "-U", UserName, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync");
        return await WriteSettingsAsync(dataDirectory);
    }

    /// <summary>A cluster we started before keeps its port; one we did not gets our settings first.</summary>
    private static async Task<int> ReuseClusterAsync(string dataDirectory)
    {
        var settings = Path.Combine(dataDirectory, SettingsFile);
        return File.Exists(settings) ? ReadPort(settings) : await WriteSettingsAsync(dataDirectory);
    }

    /// <summary>Our settings, in their own file included from postgresql.conf; returns the port chosen.</summary>
    private static async Task<int> WriteSettingsAsync(string dataDirectory)
    {
        var port = FreePort.Next();
        await File.WriteAllTextAsync(Path.Combine(dataDirectory, SettingsFile), string.Create(CultureInfo.InvariantCulture, $"""
            # Written by Orleans.Uploads.Harness.PostgresServer: a private, throw-away test server.
            listen_addresses = '127.0.0.1'
            port = {port}
            unix_socket_directories = '{dataDirectory}'
            fsync = off
            synchronous_commit = off
            full_page_writes = off
            # Far from UTC on purpose: the schema must not depend on the session's time zone.
            timezone = 'Pacific/Chatham'

            """));
        await File.AppendAllTextAsync(Path.Combine(dataDirectory, "postgresql.conf"), $"\ninclude '{SettingsFile}'\n");
        await GiveToServiceUserAsync(dataDirectory);
        return port;
    }

    private static int ReadPort(string settingsFile)
    {
        foreach (var line in File.ReadLines(settingsFile))
        {
            var parts = line.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts is ["port", var value])
            {
                return int.Parse(value, CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"{settingsFile} names no port.");
    }

    /// <summary>The bin directory of the highest installed PostgreSQL version.</summary>
    private static string FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        var found = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(dir => (Dir: dir, Version: decimal.TryParse(Path.GetFileName(dir), NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(candidate => candidate.Version >= 0 && File.Exists(Path.Combine(candidate.Dir, "bin", "initdb")) && File.Exists(Path.Combine(candidate.Dir, "bin", "pg_ctl")))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => Path.Combine(candidate.Dir, "bin"))
                .FirstOrDefault()
            : null;
        return found ?? throw new InvalidOperationException(
            $"No PostgreSQL server binaries under {root}/*/bin; run scripts/install-test-prerequisites.sh (as root) to install them.");
    }

    /// <summary>A new directory under /tmp that the service user can traverse (0755); the data directory inside is 0700.</summary>
    private static string CreateTempRoot()
    {
        var parent = IsRoot ? "/tmp" : Path.GetTempPath();
        var path = Path.Combine(parent, $"uploads-pg-{Guid.NewGuid():N}");
        CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return path;
    }

    private static void CreateDirectory(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("PostgresServer runs PostgreSQL's Linux binaries.");
        }

        Directory.CreateDirectory(path, mode);
    }

    private static async Task GiveToServiceUserAsync(string directory)
    {
        if (IsRoot)
        {
            await RunProcessAsync("chown", ["-R", $"{ServiceUser}:", directory]);
        }
    }

    private Task RunToolAsync(string tool, params string[] arguments) => RunAsync(_binaries, tool, arguments);

    /// <summary>Runs a PostgreSQL tool, as the service user when we are root.</summary>
    private static Task RunAsync(string binaries, string tool, params string[] arguments)
    {
        var path = Path.Combine(binaries, tool);
        return IsRoot
            ? RunProcessAsync("runuser", ["-u", ServiceUser, "--", path, .. arguments])
            : RunProcessAsync(path, arguments);
    }

    private static async Task RunProcessAsync(string fileName, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,

            // Somewhere the service user may be: initdb complains about a working directory it cannot enter.
            WorkingDirectory = "/",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(ToolTimeout))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in {ToolTimeout}.");
            }
        }

        var output = (await stdout + await stderr).Trim();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}: {output}");
        }
    }

    private static void StopLeftovers()
    {
        foreach (var server in Running.Keys)
        {
            try
            {
                server.StopAsync().GetAwaiter().GetResult();
            }
            catch (Exception)
            {
                // Exiting anyway; nothing better to do than try the next one.
            }
        }
    }

    private static string TryRead(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : "";
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static void DeleteTree(string? path)
    {
        if (path is not null && Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    private static bool IsRoot => GetEffectiveUserId() == 0;

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
