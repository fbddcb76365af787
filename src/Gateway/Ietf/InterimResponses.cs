using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace Orleans.Uploads.Gateway.Ietf;

/// <summary>
/// Sends a 1xx interim response (the draft's <c>104 Upload Resumption Supported</c>) ahead of the final one, on HTTP/1.1
/// under Kestrel. ASP.NET Core has no public API for arbitrary 1xx responses (dotnet/aspnetcore#27851); Kestrel itself
/// sends one, <c>100 Continue</c>, by writing its bytes raw to the connection's HTTP/1.1 output producer before the
/// response has started. This does the same through that producer's <c>WriteDataToPipeAsync</c>, found by reflection.
/// Hazards, and why it is safe: before the final response starts, the producer writes bytes as they are (no chunk
/// framing: that begins with the final response's headers), under its own lock, so a whole 1xx message there is exactly
/// what Kestrel's own 100 Continue is. It is only tried while the response has not started, only for HTTP/1.1 (HTTP/1.0
/// clients must get no 1xx; HTTP/2 and HTTP/3 frame their headers and would need Kestrel's frame writers), and only if
/// the producer is Kestrel's HTTP/1 one with that method. Anywhere else (TestServer, HTTP/2, a Kestrel that renamed its
/// internals) nothing is sent and false comes back: the 104 is an optimisation, the final response carries the same
/// headers.
/// </summary>
public static class InterimResponses
{
    private const string OutputProperty = "Output";
    private const string WriteMethod = "WriteDataToPipeAsync";
    private const string Http1OutputProducer = "Http1OutputProducer";
    private const BindingFlags Members = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    private static readonly ConcurrentDictionary<Type, PropertyInfo?> OutputProperties = new();
    private static readonly ConcurrentDictionary<Type, MethodInfo?> WriteMethods = new();

    private delegate ValueTask<FlushResult> RawWrite(ReadOnlySpan<byte> bytes, CancellationToken cancellationToken);

    /// <summary>Writes <c>HTTP/1.1 {status} {reason}</c> with <paramref name="headers"/> if this connection can carry it; true when sent.</summary>
    public static async Task<bool> TrySendAsync(HttpContext http, int status, string reason, IEnumerable<KeyValuePair<string, string>> headers)
    {
        if (status is < 102 or > 199 || http.Response.HasStarted || !HttpProtocol.IsHttp11(http.Request.Protocol)
            || Format(status, reason, headers) is not { } message
            || WriterOf(http) is not { } write)
        {
            return false;
        }

        try
        {
            var flushed = await write(message, http.RequestAborted);
            return !flushed.IsCanceled && !flushed.IsCompleted;
        }
        catch (Exception ex) when (ex is InvalidOperationException || (ex is OperationCanceledException && http.RequestAborted.IsCancellationRequested))
        {
            // The connection's output was already done with, or the client went away: there is no one to tell.
            return false;
        }
    }

    /// <summary>The interim response's bytes; null if a header could break the message (a line break, or not ASCII).</summary>
    public static byte[]? Format(int status, string reason, IEnumerable<KeyValuePair<string, string>> headers)
    {
        var text = new StringBuilder().Append("HTTP/1.1 ").Append(status).Append(' ').Append(reason).Append("\r\n");
        foreach (var (name, value) in headers)
        {
            if (!IsFieldText(name) || !IsFieldText(value) || name.Contains(':', StringComparison.Ordinal) || name.Contains(' ', StringComparison.Ordinal))
            {
                return null;
            }

            text.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        return Encoding.ASCII.GetBytes(text.Append("\r\n").ToString());
    }

    private static bool IsFieldText(string text) => text.Length > 0 && text.All(c => c is >= ' ' and <= '~');

    private static RawWrite? WriterOf(HttpContext http)
    {
        if (http.Features.Get<IHttpConnectionFeature>() is not { } connection)
        {
            return null;
        }

        var output = OutputProperties.GetOrAdd(connection.GetType(), type => type.GetProperty(OutputProperty, Members))?.GetValue(connection);
        if (output is null || output.GetType().Name != Http1OutputProducer)
        {
            return null;
        }

        var method = WriteMethods.GetOrAdd(output.GetType(), type => type.GetMethod(WriteMethod, Members, [typeof(ReadOnlySpan<byte>), typeof(CancellationToken)]));
        return method is not null && method.ReturnType == typeof(ValueTask<FlushResult>) ? method.CreateDelegate<RawWrite>(output) : null;
    }
}
