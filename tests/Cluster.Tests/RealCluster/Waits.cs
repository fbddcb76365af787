using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Cluster.Tests.RealCluster;

public static class Waits
{
    /// <summary>
    /// Until <paramref name="condition"/> holds while <paramref name="running"/> works towards it; fails at once with the
    /// work's own error if it fails first, and if it ends without the condition ever holding.
    /// </summary>
    public static async Task UntilAsync(Task running, Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        await Eventually.WaitUntilAsync(() => Task.FromResult(running.IsCompleted || condition()), what, timeout ?? TimeSpan.FromSeconds(120));
        if (running.IsFaulted || running.IsCanceled)
        {
            await running;
        }

        if (!condition())
        {
            throw new Xunit.Sdk.XunitException($"the work ended before {what}");
        }
    }

    /// <summary>Until <paramref name="reached"/> completes, failing at once with the work's own error if it fails first.</summary>
    public static async Task UntilAsync(Task running, Task reached, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(120);
        try
        {
            await Task.WhenAny(reached, running).WaitAsync(limit);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"Timed out after {limit} waiting for {what}.", ex);
        }

        if (!reached.IsCompleted)
        {
            await running;
            throw new Xunit.Sdk.XunitException($"the work ended before {what}");
        }
    }
}
