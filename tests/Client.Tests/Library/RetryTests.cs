// Why this file exists: the client retries through Microsoft.Extensions.Http.Resilience, honouring Retry-After, and
// what still fails after the retries surfaces as a typed exception with the server's code.

using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Uploads.Client.Errors;
using Orleans.Uploads.Client.Tests.Support;

namespace Orleans.Uploads.Client.Tests.Library;

public sealed class RetryTests
{
    private const int ChunkSize = 64 * 1024;

    [Fact]
    public async Task A_429_with_Retry_After_is_retried_no_sooner_than_the_server_asked()
    {
        var api = new FakeUploadApi(ChunkSize, (chunk, attempt) => attempt == 1
            ? Problem(429, "rate_limited", retryAfterSeconds: 2)
            : null);
        await using var endpoint = await LocalEndpoint.StartAsync(api.Map);
        await using var services = endpoint.Client(o => o.RetryDelay = TimeSpan.FromMilliseconds(10));

        var result = await services.GetRequiredService<UploadClient>().UploadAsync(new MemoryStream(new byte[ChunkSize]), "one.mp4");

        Assert.Equal(1, result.ChunksSent);
        var attempts = api.ChunkAttempts.ToArray();
        Assert.Equal(2, attempts.Length);

        // The backoff alone would wait ~10 ms: the gap is the server's Retry-After.
        Assert.True(attempts[1].At - attempts[0].At >= TimeSpan.FromSeconds(1.9), $"retried after {(attempts[1].At - attempts[0].At).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_server_unavailable_after_every_retry_is_an_UploadUnavailableException_with_its_code()
    {
        var api = new FakeUploadApi(ChunkSize, (_, _) => Problem(503, "storage_unavailable"));
        await using var endpoint = await LocalEndpoint.StartAsync(api.Map);
        await using var services = endpoint.Client(o =>
        {
            o.RetryDelay = TimeSpan.FromMilliseconds(1);
            o.MaxRetryAttempts = 2;
        });

        var failure = await Assert.ThrowsAsync<UploadUnavailableException>(() =>
            services.GetRequiredService<UploadClient>().UploadAsync(new MemoryStream(new byte[ChunkSize]), "one.mp4"));

        Assert.Equal(("storage_unavailable", 503), (failure.Code, failure.Status));
        Assert.Equal(3, api.ChunkAttempts.Count);
    }

    private static ProblemResult Problem(int status, string code, int? retryAfterSeconds = null) => new ProblemResult(status, code, retryAfterSeconds);

    private sealed class ProblemResult(int status, string code, int? retryAfterSeconds) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = status;
            if (retryAfterSeconds is { } seconds)
            {
                http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            http.Response.ContentType = "application/problem+json";
            await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes($$"""{"status":{{status}},"code":"{{code}}","detail":"test answer"}"""));
        }
    }
}
