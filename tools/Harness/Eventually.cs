namespace Orleans.Uploads.Harness;

/// <summary>Waits on a condition, polling, instead of sleeping a fixed time.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }
            }
            catch (Exception ex)
            {
                last = ex;
            }

            await Task.Delay(PollInterval);
        }

        throw new TimeoutException($"Timed out waiting for {what}.", last);
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        await WaitForAsync<object>(async () => await condition() ? new object() : null, what, timeout);

    private static TimeSpan PollInterval => TimeSpan.FromMilliseconds(50);
}
