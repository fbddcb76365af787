using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Orleans.Uploads.Harness;

/// <summary>
/// A private ClamAV <c>clamd</c> for the scanning tests, from the installed daemon (Debian's clamav-daemon): its own temp
/// directory, TCP on 127.0.0.1 only (no local socket), logging into that directory, and a signature database of one
/// body signature for the EICAR test string that this class writes itself. No signatures are ever downloaded (freshclam
/// never runs); clamd refuses an empty database directory, and this one file is all it needs. It can be stopped and started
/// again on the same port, to test a scanner that is down and comes back.
/// </summary>
public sealed class ClamdServer : IAsyncDisposable
{
    public const string DaemonPath = "/usr/sbin/clamd";

    /// <summary>The industry's harmless test "virus"; clamd finds it anywhere in a stream with the body signature below.</summary>
    public const string Eicar = @"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    /// <summary>The finding clamd reports (it adds <c>.UNOFFICIAL</c> to signatures outside its official databases).</summary>
    public const string Finding = "Uploads.Test.EICAR.UNOFFICIAL";

    private static readonly ConcurrentDictionary<ClamdServer, byte> Running = new();
    private readonly TempDirectory _root = new("uploads-clamd");
    private Process? _process;

    static ClamdServer() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var server in Running.Keys)
        {
            server.Kill();
        }
    };

    private ClamdServer(long streamMaxLength)
    {
        Port = FreePort.Next();
        var database = _root.Combine("db");
        Directory.CreateDirectory(database);

        // Type 0 (any file), any offset: the EICAR bytes anywhere, for example after an MP4 header.
        File.WriteAllText(Path.Combine(database, "uploads-test.ndb"), $"Uploads.Test.EICAR:0:*:{Convert.ToHexStringLower(Encoding.ASCII.GetBytes(Eicar))}\n");
        File.WriteAllText(ConfigPath, string.Create(CultureInfo.InvariantCulture, $"""
            # Written by Orleans.Uploads.Harness.ClamdServer: a private, throw-away test daemon.
            TCPSocket {Port}
            TCPAddr 127.0.0.1
            DatabaseDirectory {database}
            Foreground yes
            LogFile {_root.Combine("clamd.log")}
            PidFile {_root.Combine("clamd.pid")}
            StreamMaxLength {streamMaxLength}

            """));
    }

    public int Port { get; }

    public bool IsRunning => _process is { HasExited: false };

    private string ConfigPath => _root.Combine("clamd.conf");

    /// <summary>clamd's log so far, for failure messages.</summary>
    public string Log => File.Exists(_root.Combine("clamd.log")) ? File.ReadAllText(_root.Combine("clamd.log")) : "";

    /// <summary>A daemon whose config is written, not yet started (a scanner that is down until <see cref="StartAsync"/>).</summary>
    public static ClamdServer Create(long streamMaxLength = 16 * 1024 * 1024)
    {
        if (!File.Exists(DaemonPath))
        {
            throw new InvalidOperationException($"{DaemonPath} is missing; run scripts/install-test-prerequisites.sh (as root) to install clamav-daemon.");
        }

        return new ClamdServer(streamMaxLength);
    }

    public static async Task<ClamdServer> StartNewAsync(long streamMaxLength = 16 * 1024 * 1024)
    {
        var server = Create(streamMaxLength);
        await server.StartAsync();
        return server;
    }

    /// <summary>Starts clamd and returns once it answers PING with PONG.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(DaemonPath) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--config-file=" + ConfigPath);
        _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {DaemonPath}");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Running[this] = 0;
        try
        {
            await Eventually.WaitUntilAsync(PingAsync, $"clamd on port {Port} to answer PING", TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException ex)
        {
            await StopAsync();
            throw new InvalidOperationException($"clamd did not start: {ex.Message}\n{Log}", ex);
        }
    }

    /// <summary>Stops clamd; the port stays this server's for a later <see cref="StartAsync"/>.</summary>
    public async Task StopAsync()
    {
        Running.TryRemove(this, out _);
        if (_process is { } process)
        {
            Kill();
            await process.WaitForExitAsync();
            process.Dispose();
            _process = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _root.Dispose();
    }

    private async Task<bool> PingAsync()
    {
        if (_process is not { HasExited: false })
        {
            throw new InvalidOperationException($"clamd exited with {_process?.ExitCode}");
        }

        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port);
        var stream = client.GetStream();
        await stream.WriteAsync("zPING\0"u8.ToArray());
        var reply = new byte[16];
        var read = await stream.ReadAsync(reply);
        return Encoding.ASCII.GetString(reply, 0, read).TrimEnd('\0') == "PONG";
    }

    private void Kill()
    {
        try
        {
            _process?.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
