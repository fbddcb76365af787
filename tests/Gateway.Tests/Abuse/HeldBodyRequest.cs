using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Orleans.Uploads.Gateway.Tests.Abuse;

/// <summary>
/// One HTTP/1.1 request on its own loopback socket whose body the test sends by hand: the head and the first bytes at
/// once, then nothing more (a stalled body) or one byte at a time (a trickle). HttpClient cannot hold a body back like
/// this, and the in-memory test server has no sockets and enforces no data rate, so these tests talk to real Kestrel.
/// </summary>
public sealed class HeldBodyRequest : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private Task<HeldBodyAnswer>? _answer;

    private HeldBodyRequest(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>Connects to <paramref name="server"/> and sends the head (declaring <paramref name="contentLength"/>) and <paramref name="first"/>.</summary>
    public static async Task<HeldBodyRequest> StartAsync(
        Uri server, string method, string path, long contentLength, ReadOnlyMemory<byte> first, params (string Name, string Value)[] headers)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        var request = new HeldBodyRequest(tcp);
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{method} {path} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Length: {contentLength}\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        await request._stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()));
        await request._stream.WriteAsync(first);
        return request;
    }

    /// <summary>The server's answer: read until its body is complete or the server closes the connection.</summary>
    public Task<HeldBodyAnswer> Answer => _answer ??= ReadAnswerAsync();

    /// <summary>
    /// Sends one byte every <paramref name="every"/> until the server answers or closes, or <paramref name="stop"/> is
    /// cancelled. The pause between bytes is the client's behaviour under test, not a wait for a condition.
    /// </summary>
    public async Task TrickleAsync(TimeSpan every, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (!Answer.IsCompleted && await timer.WaitForNextTickAsync(stop))
            {
                await _stream.WriteAsync(new byte[] { 0x2a }, stop);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The server closed the connection, or the test stopped trickling.
        }
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<HeldBodyAnswer> ReadAnswerAsync()
    {
        var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await _stream.ReadAsync(buffer)) > 0)
            {
                received.Write(buffer, 0, read);
                if (HeldBodyAnswer.TryParse(received.ToArray(), out var complete))
                {
                    return complete;
                }
            }
        }
        catch (IOException)
        {
            // A reset after the answer: what arrived is the answer.
        }

        return HeldBodyAnswer.TryParse(received.ToArray(), out var answer) ? answer : new HeldBodyAnswer(0, "", "");
    }
}

/// <summary>An answer read off a raw socket: its status (0 when the server closed without one), head and body.</summary>
public sealed record HeldBodyAnswer(int Status, string Head, string Body)
{
    public static bool TryParse(byte[] bytes, out HeldBodyAnswer answer)
    {
        answer = new HeldBodyAnswer(0, "", "");
        var text = Encoding.UTF8.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var head = text[..end];
        var body = text[(end + 4)..];
        var length = head.Split("\r\n")
            .Where(line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(line => int.Parse(line["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture))
            .FirstOrDefault();
        var chunked = head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase);
        if (Encoding.UTF8.GetByteCount(body) < length || (chunked && !body.EndsWith("0\r\n\r\n", StringComparison.Ordinal)))
        {
            return false;
        }

        answer = new HeldBodyAnswer(int.Parse(head.Split(' ')[1], CultureInfo.InvariantCulture), head, body);
        return true;
    }

    /// <summary>The problem's <c>code</c>, when the body is problem+json.</summary>
    public string? Code => System.Text.Json.JsonDocument.Parse(Json).RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;

    /// <summary>The JSON in the body, without the framing of a chunked body.</summary>
    private string Json => Body[Body.IndexOf('{', StringComparison.Ordinal)..(Body.LastIndexOf('}') + 1)];

    public bool IsProblem => Head.Contains("application/problem+json", StringComparison.OrdinalIgnoreCase);
}
