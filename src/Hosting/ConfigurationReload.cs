namespace Orleans.Uploads.Hosting;

/// <summary>
/// Turns off the host's "reload configuration when appsettings.json changes". That reload watches the whole content root
/// recursively, and the standalone server keeps its uploads, videos and grain state under it by default: every file an
/// upload creates, renames or deletes (about a dozen per upload) woke the watcher thread and cost the kernel an inotify
/// event, for nothing, because options are read and validated once, at start-up (a changed setting needs a restart).
/// Measured on the bench's many-small-uploads run: ~1 ms of server CPU per 1 MiB upload and the file-watch thread's 3% of samples.
/// </summary>
public static class ConfigurationReload
{
    /// <summary>The host's arguments with reloading off; an explicit <c>--hostBuilder:reloadConfigOnChange</c> given later still wins.</summary>
    public static string[] Off(string[] args) => ["--hostBuilder:reloadConfigOnChange=false", .. args];
}
