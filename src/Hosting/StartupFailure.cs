using Microsoft.Extensions.Options;

namespace Orleans.Uploads.Hosting;

/// <summary>A precondition of start-up that does not hold (a setting, the database): shown as one clear line, not a crash.</summary>
public sealed class StartupFailureException(string message, Exception? innerException = null) : InvalidOperationException(message, innerException);

public static class StartupFailure
{
    /// <summary>The operator-facing reason, when <paramref name="exception"/> is a start-up precondition failure.</summary>
    public static bool TryDescribe(Exception exception, out string reason)
    {
        var reasons = Flatten(exception).Select(e => e switch
        {
            OptionsValidationException invalid => string.Join(" ", invalid.Failures),
            StartupFailureException failure => failure.Message,
            _ => null,
        }).ToList();
        reason = string.Join(" ", reasons.OfType<string>());
        return reasons.Count > 0 && reasons.All(r => r is not null);
    }

    private static Exception[] Flatten(Exception exception) => exception is AggregateException aggregate
        ? [.. aggregate.Flatten().InnerExceptions]
        : [exception];
}
