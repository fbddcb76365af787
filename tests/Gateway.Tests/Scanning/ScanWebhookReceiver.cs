using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Orleans.Uploads.Gateway.Tests.Scanning;

/// <summary>
/// A scanning webhook as a customer would run it: real Kestrel on loopback, checking <c>X-Uploads-Signature</c> (HMAC-SHA256
/// of the body under the shared secret) on its own, and answering 401 to a bad one. It fails the first call for each
/// video with 503, so every verdict needs a retry, and calls a video infected when its filename says so.
/// </summary>
public sealed class ScanWebhookReceiver : IAsyncDisposable
{
    public const string Secret = "webhook-secret-for-the-tests-0123456789";
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<Guid, int> _calls = new();

    private ScanWebhookReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public int BadSignatures { get; private set; }

    public int CallsFor(Guid videoId) => _calls.GetValueOrDefault(videoId);

    public static async Task<ScanWebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var receiver = new ScanWebhookReceiver(builder.Build());
        receiver._app.MapPost("/scan", receiver.ReceiveAsync);
        await receiver._app.StartAsync();
        receiver.Url = new Uri(new Uri(receiver._app.Urls.Single()), "/scan");
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(request.Headers["X-Uploads-Signature"].ToString())))
        {
            BadSignatures++;
            return Results.Unauthorized();
        }

        using var json = JsonDocument.Parse(body);
        var videoId = json.RootElement.GetProperty("videoId").GetGuid();
        if (_calls.AddOrUpdate(videoId, 1, (_, calls) => calls + 1) == 1)
        {
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        return json.RootElement.GetProperty("filename").GetString()!.Contains("infected", StringComparison.Ordinal)
            ? Results.Json(new { verdict = "infected", finding = "Webhook.Test" })
            : Results.Json(new { verdict = "clean" });
    }
}
