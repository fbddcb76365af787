using System.Net;
using System.Text.Json;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests;

/// <summary>Uploads idle longer than Uploads:UploadTimeout expire: 410 upload_expired, temp data removed.</summary>
public sealed class ExpiryTests(ExpiringGatewayFixture gateway) : IClassFixture<ExpiringGatewayFixture>
{
    private readonly UploadsApiClient _api = gateway.Api;

    [Fact]
    public async Task Idle_upload_expires_and_refuses_more_bytes()
    {
        var file = TestData.RandomBytes(1000, seed: 101);
        using var initiated = await _api.SendInitiateAsync(new { filename = "idle.mp4", fileSize = file.Length });
        var body = await HttpAssert.JsonAsync(initiated, HttpStatusCode.Created);
        var uploadId = body.GetProperty("uploadId").GetGuid();
        var initial = await _api.GetStatusOkAsync(uploadId);
        Assert.Equal(
            initial.GetProperty("createdAt").GetDateTimeOffset() + gateway.UploadTimeout,
            body.GetProperty("expiresAt").GetDateTimeOffset());

        // Expiry is checked whenever the session is asked; wait (polling, no sleep) until it has happened.
        JsonElement expired = default;
        await Eventually.WaitUntilAsync(
            async () =>
            {
                expired = await _api.GetStatusOkAsync(uploadId);
                return expired.GetProperty("status").GetString() == "expired";
            },
            "the idle upload to expire",
            TimeSpan.FromSeconds(30));

        Assert.Empty(HttpAssert.IntArray(expired.GetProperty("missingChunks")));
        Assert.False(string.IsNullOrEmpty(expired.GetProperty("failureReason").GetString()));
        Assert.False(File.Exists(gateway.TempFileOf(uploadId)));

        using (var chunk = await _api.SendChunkAsync(uploadId, 0, file))
        {
            await HttpAssert.ProblemAsync(chunk, HttpStatusCode.Gone, "upload_expired");
        }

        using (var complete = await _api.SendCompleteAsync(uploadId))
        {
            await HttpAssert.ProblemAsync(complete, HttpStatusCode.Gone, "upload_expired");
        }

        using (var cancel = await _api.SendCancelAsync(uploadId))
        {
            await HttpAssert.StatusAsync(cancel, HttpStatusCode.NoContent);
        }

        Assert.Equal("expired", (await _api.GetStatusOkAsync(uploadId)).GetProperty("status").GetString());
        await Eventually.WaitUntilAsync(
            async () => (await _api.GetOkAsync("/api/uploads/statistics")).GetProperty("countsByStatus").GetProperty("expired").GetInt64() == 1,
            "the statistics to count the expired upload",
            TimeSpan.FromSeconds(20));
    }
}
