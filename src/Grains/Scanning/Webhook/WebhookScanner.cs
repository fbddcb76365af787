using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Uploads.Grains.Videos;

namespace Orleans.Uploads.Grains.Scanning.Webhook;

/// <summary>
/// Asks an HTTP endpoint (<c>Scanning:Webhook</c>) for a verdict: a signed POST describing the video; a 2xx answer with a
/// known verdict decides, anything else (another status, a timeout, an unknown verdict) is a failure to retry.
/// </summary>
public sealed class WebhookScanner(IHttpClientFactory clients, IOptions<ScanningOptions> options) : IVideoScanner
{
    public const string HttpClientName = "uploads-scan-webhook";
    private readonly WebhookScanOptions _settings = options.Value.Webhook;

    public async Task<ScanVerdict> ScanAsync(VideoRecord video, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new WebhookScanRequest(video.Id, video.ProjectId, video.OriginalName, video.Size, video.FileHash));
        using var request = new HttpRequestMessage(HttpMethod.Post, _settings.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Of(body, _settings.Secret!));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_settings.Timeout);
        using var response = await clients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw new ScanFailedException($"the scanning webhook answered {(int)response.StatusCode}");
        }

        var reply = await response.Content.ReadFromJsonAsync<WebhookScanReply>(timeout.Token);
        return reply?.Verdict switch
        {
            "clean" => ScanVerdict.Clean,
            "infected" => ScanVerdict.InfectedWith(reply.Finding ?? "reported by the scanning webhook"),
            var other => throw new ScanFailedException($"the scanning webhook answered the unknown verdict '{other}'"),
        };
    }
}
