// Why this file exists: Progress<T> posts reports to the thread pool, out of order; the bar and the plain lines want
// them in order and at once, so reports run inline on the reporting thread (the client reports under its own lock).

namespace Orleans.Uploads.Cli.Output;

public sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
