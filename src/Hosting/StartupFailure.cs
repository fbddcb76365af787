using System.Net.Sockets;
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

    /// <summary>
    /// One line for any start-up failure: the precondition's own reason when it is one, else the message that names the
    /// cause (a setting that does not convert, an address already in use), else the innermost exception's message.
    /// </summary>
    public static string Describe(Exception exception)
    {
        if (TryDescribe(exception, out var reason))
        {
            return reason;
        }

        var chain = Chain(exception).ToList();
        var named = chain.FirstOrDefault(e => e.InnerException is FormatException or ArgumentException && e is InvalidOperationException) // configuration binding
            ?? chain.FirstOrDefault(e => e is IOException && e.InnerException is not null && IsAddressInUse(e.InnerException)) // Kestrel's bind
            ?? chain.FirstOrDefault(IsAddressInUse)
            ?? chain[^1];
        return OneLine(named.Message);
    }

    private static bool IsAddressInUse(Exception exception) =>
        exception is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || exception.GetType().Name == "AddressInUseException";

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var current = exception is AggregateException { InnerExceptions.Count: 1 } single ? single.InnerExceptions[0] : exception;
             current is not null;
             current = current is AggregateException { InnerExceptions.Count: 1 } inner ? inner.InnerExceptions[0] : current.InnerException)
        {
            yield return current;
        }
    }

    private static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();

    private static Exception[] Flatten(Exception exception) => exception is AggregateException aggregate
        ? [.. aggregate.Flatten().InnerExceptions]
        : [exception];
}
