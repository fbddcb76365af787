using System.Net;
using System.Net.Sockets;

namespace Orleans.Uploads.Harness;

/// <summary>
/// When a started server is ready, decided by asking it (its /health/ready, or a port that accepts connections), never by a
/// fixed sleep; a process that exits or never gets ready is killed and fails with its own output.
/// </summary>
public sealed partial class ServerProcess
{
    /// <summary>Until <paramref name="ready"/> holds; kills the process and fails with its output if it exits first or the time runs out.</summary>
    public async Task WaitUntilReadyAsync(Func<Task<bool>> ready, string what, TimeSpan? timeout = null)
    {
        try
        {
            await Eventually.WaitUntilAsync(
                async () => HasExited ? throw new InvalidOperationException($"the {Name} exited during start-up") : await ready(), what, timeout);
        }
        catch (Exception ex)
        {
            await KillAsync();
            throw new InvalidOperationException($"{Name} did not start: {ex.Message}\n{Output}", ex);
        }
    }

    /// <summary>Until <c>GET /health/ready</c> (the probe that needs no credential) at <paramref name="baseAddress"/> answers with a success.</summary>
    public async Task WaitUntilHealthyAsync(Uri baseAddress, TimeSpan? timeout = null)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        await WaitUntilReadyAsync(
            async () =>
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                return response.IsSuccessStatusCode;
            },
            $"the {Name} to report healthy",
            timeout);
    }

    /// <summary>Until the loopback <paramref name="port"/> accepts connections.</summary>
    public Task WaitUntilListeningAsync(int port, TimeSpan? timeout = null) => WaitUntilReadyAsync(
        async () =>
        {
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        },
        $"the {Name} to accept connections on port {port}",
        timeout);
}
