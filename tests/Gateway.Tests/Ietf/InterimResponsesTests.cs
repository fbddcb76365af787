using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Orleans.Uploads.Gateway.Ietf;

namespace Orleans.Uploads.Gateway.Tests.Ietf;

/// <summary>
/// <see cref="InterimResponses"/> on real Kestrel (the in-memory test server has no connection to write to), read off a
/// raw socket: on HTTP/1.1 a 104 precedes the final answer and the connection's framing stays intact (a second request
/// on it is answered); on HTTP/1.0, and once the response has started, nothing is sent.
/// </summary>
public sealed class InterimResponsesTests : IAsyncLifetime
{
    private static readonly KeyValuePair<string, string>[] Headers = [new("Location", "/files/abc"), new("Upload-Draft-Interop-Version", "8")];
    private WebApplication? _app;
    private Uri? _server;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = _app = builder.Build();
        app.MapPost("/create", async (HttpContext http) =>
        {
            var sent = await InterimResponses.TrySendAsync(http, 104, "Upload Resumption Supported", Headers);
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync(http.RequestAborted);
            return Results.Text($"sent={sent} body={body}", statusCode: StatusCodes.Status201Created);
        });
        app.MapPost("/late", async (HttpContext http) =>
        {
            await http.Response.StartAsync();
            var sent = await InterimResponses.TrySendAsync(http, 104, "Upload Resumption Supported", Headers);
            await http.Response.WriteAsync($"sent={sent}");
        });
        app.MapGet("/after", () => "after");
        await app.StartAsync();
        _server = new Uri(app.Urls.First());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Http11_gets_the_104_before_the_final_answer_and_the_connection_stays_usable()
    {
        var text = await ExchangeAsync(
            "POST /create HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nhello"
            + "GET /after HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 104 Upload Resumption Supported\r\nLocation: /files/abc\r\nUpload-Draft-Interop-Version: 8\r\n\r\nHTTP/1.1 201 Created\r\n", text, StringComparison.Ordinal);
        Assert.Contains("sent=True body=hello", text, StringComparison.Ordinal);
        Assert.Single(AllIndexesOf(text, "HTTP/1.1 104"));
        Assert.EndsWith("5\r\nafter\r\n0\r\n\r\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http11_with_expect_continue_gets_the_104_and_the_100_and_then_the_answer()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_server!.Host, _server.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /create HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"));

        // The 104 is written before the body is read; the 100 Continue when it is.
        var interim = await ReadUntilAsync(stream, "HTTP/1.1 100 Continue\r\n\r\n");
        await stream.WriteAsync("hello"u8.ToArray());
        var text = interim + await new StreamReader(stream, Encoding.ASCII).ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 104 Upload Resumption Supported\r\n", text, StringComparison.Ordinal);
        Assert.Contains("sent=True body=hello", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http10_gets_no_interim_response()
    {
        var text = await ExchangeAsync("POST /create HTTP/1.0\r\nHost: test\r\nContent-Length: 5\r\n\r\nhello");

        Assert.StartsWith("HTTP/1.1 201 Created\r\n", text, StringComparison.Ordinal);
        Assert.Contains("sent=False body=hello", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_is_sent_once_the_response_has_started()
    {
        var text = await ExchangeAsync("POST /late HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", text, StringComparison.Ordinal);
        Assert.Contains("sent=False", text, StringComparison.Ordinal);
        Assert.DoesNotContain("104", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Location", "/files/abc\r\nSet-Cookie: x=1")]
    [InlineData("Location", "/files/ä")]
    [InlineData("Bad Name", "x")]
    [InlineData("Location", "")]
    public void A_header_that_could_break_the_message_sends_nothing(string name, string value) =>
        Assert.Null(InterimResponses.Format(104, "Upload Resumption Supported", [new(name, value)]));

    private async Task<string> ExchangeAsync(string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_server!.Host, _server.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        return await new StreamReader(stream, Encoding.ASCII).ReadToEndAsync();
    }

    private static async Task<string> ReadUntilAsync(NetworkStream stream, string end)
    {
        var text = new StringBuilder();
        var buffer = new byte[1];
        while (!text.ToString().EndsWith(end, StringComparison.Ordinal) && await stream.ReadAsync(buffer) > 0)
        {
            text.Append((char)buffer[0]);
        }

        return text.ToString();
    }

    private static IEnumerable<int> AllIndexesOf(string text, string value)
    {
        for (var index = text.IndexOf(value, StringComparison.Ordinal); index >= 0; index = text.IndexOf(value, index + 1, StringComparison.Ordinal))
        {
            yield return index;
        }
    }
}
