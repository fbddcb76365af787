using System.Text.Json.Serialization;

namespace Orleans.Uploads.Grains.Scanning.Webhook;

/// <summary>The JSON body the scanning webhook receives: which video, and what is known of its bytes. No content URL is sent.</summary>
public sealed record WebhookScanRequest(
    [property: JsonPropertyName("videoId")] Guid VideoId,
    [property: JsonPropertyName("projectId")] string? ProjectId,
    [property: JsonPropertyName("filename")] string Filename,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("sha256")] string? Sha256);

/// <summary>The webhook's answer: <c>{"verdict":"clean"}</c> or <c>{"verdict":"infected","finding":"..."}</c>.</summary>
public sealed record WebhookScanReply(
    [property: JsonPropertyName("verdict")] string? Verdict,
    [property: JsonPropertyName("finding")] string? Finding);
