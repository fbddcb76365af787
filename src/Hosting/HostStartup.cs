using Microsoft.Extensions.Hosting;

namespace Orleans.Uploads.Hosting;

/// <summary>
/// The gateway's and the silo's Main: builds and starts the host, then runs it until shutdown. Any failure before the host
/// has started (a setting, a busy port, the database) ends the process with exit code 1 and one line naming the cause,
/// never a stack trace; a failure after that is a crash like any other.
/// </summary>
public static class HostStartup
{
    public static async Task<int> RunAsync(string name, Func<StartupLogGate, Task<IHost>> build)
    {
        var gate = new StartupLogGate();
        IHost? host = null;
        try
        {
            host = await build(gate);
            await host.StartAsync();
        }
        catch (Exception ex) when (ex is not HostAbortedException) // how WebApplicationFactory stops Main after Build: not a failure
        {
            gate.Failed();
            await DisposeQuietlyAsync(host);
            await Console.Error.WriteLineAsync($"{name} not started: {StartupFailure.Describe(ex)}");
            return 1;
        }

        gate.Started();
        try
        {
            await host.WaitForShutdownAsync();
        }
        finally
        {
            await DisposeQuietlyAsync(host);
        }

        return 0;
    }

    /// <summary>A host whose start failed may fail again while it is torn down: that says nothing new.</summary>
    private static async Task DisposeQuietlyAsync(IHost? host)
    {
        try
        {
            if (host is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
            else
            {
                host?.Dispose();
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException or InvalidOperationException or AggregateException)
        {
        }
    }
}
