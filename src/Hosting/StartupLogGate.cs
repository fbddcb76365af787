using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Orleans.Uploads.Hosting;

/// <summary>
/// Keeps a failed start-up to the one line <see cref="HostStartup"/> prints. When a host fails to start, the silo logs the
/// failed lifecycle stage and the host the exception ("Hosting failed to start"), each with its stack trace, and the
/// half-started silo then logs more while it is torn down; from that first start-up error on, this filter lets nothing through. A process that started logs as usual.
/// </summary>
public sealed class StartupLogGate
{
    // Before start, an error from any of these means start-up failed: the host's "Hosting failed to start", and the
    // silo's own reports of a lifecycle stage that failed (a busy port, say), each with its stack trace.
    private static readonly HashSet<string> FailureCategories =
    [
        "Microsoft.Extensions.Hosting.Internal.Host",
        "Orleans.Runtime.Silo",
        "Orleans.Runtime.SiloLifecycleSubject",
    ];

    private volatile bool _started;
    private volatile bool _failed;

    /// <summary>
    /// Adds the gate to every configured filter rule, after configuration has made them: a rule of its own would replace
    /// the configured levels (a filter rule with no category competes with, and wins over, <c>LogLevel:Default</c>).
    /// </summary>
    public void Register(ILoggingBuilder logging) => logging.Services.PostConfigure<LoggerFilterOptions>(options =>
    {
        var configured = options.Rules.Select(Gated).ToList();
        options.Rules.Clear();
        options.Rules.Add(new LoggerFilterRule(null, null, options.MinLevel, (_, category, level) => Allows(category, level)));
        foreach (var rule in configured)
        {
            options.Rules.Add(rule);
        }
    });

    public void Started() => _started = true;

    public void Failed() => _failed = true;

    private LoggerFilterRule Gated(LoggerFilterRule rule) => new(
        rule.ProviderName, rule.CategoryName, rule.LogLevel,
        (provider, category, level) => Allows(category, level) && (rule.Filter?.Invoke(provider, category, level) ?? true));

    private bool Allows(string? category, LogLevel level)
    {
        if (!_started && level >= LogLevel.Error && category is not null && FailureCategories.Contains(category))
        {
            _failed = true;
        }

        return !_failed;
    }
}
