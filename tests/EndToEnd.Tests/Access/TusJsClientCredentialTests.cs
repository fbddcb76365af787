// Why this file exists: a real browser or Node uploader authenticates by giving tus-js-client a `headers` option. This
// proves that against the built gateway with access control on: every request of every upload mode (one PATCH, many
// PATCHes, parallel partial uploads concatenated by a final upload) carries the key and the file arrives intact, and
// the same client without a key, or with a wrong one, is refused at its first request.

using Orleans.Uploads.EndToEnd.Tests.Tus;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.EndToEnd.Tests.Access;

/// <summary>tus-js-client (Node build) with <c>headers: {Authorization: 'Bearer &lt;API key&gt;'}</c> against a keyed gateway.</summary>
public sealed class TusJsClientCredentialTests(KeyedGatewayFixture gateway) : IClassFixture<KeyedGatewayFixture>
{
    private const int MiB = 1024 * 1024;

    private GatewayServer Server => gateway.Server;

    [Theory]
    [InlineData("whole", (3 * MiB) + 123, 3_0001, new string[0])]
    [InlineData("chunked", (3 * MiB) + 5, 3_0002, new[] { "--chunk-size", "1048576" })]
    [InlineData("parallel", (4 * MiB) + 1, 4_0003, new[] { "--parallel", "3" })]
    public async Task With_the_API_key_in_its_headers_every_mode_finishes_and_downloads_byte_for_byte(string mode, int size, int seed, string[] options)
    {
        var file = await RandomFile.CreateAsync(gateway.Combine($"{mode}.bin"), size, seed);
        var client = new TusJsClient(Server, new Dictionary<string, string> { ["Authorization"] = "Bearer " + gateway.Keys.ApiKey });

        var result = await client.UploadAsync(file, mode, $"{mode}.mp4", options);

        var context = $"{result.Run?.Describe()}\n{client.ServerOutput}";
        Assert.False(result.Aborted, context);
        Assert.True(result.Retries == 0, "the client had to retry:\n" + context);
        Assert.Equal(file.Size, result.BytesUploaded);
        Assert.Equal(mode switch { "whole" => 1, "chunked" => 4, _ => 3 }, result.RequestCount("PATCH"));
        Assert.Equal(mode == "parallel" ? 4 : 1, result.RequestCount("POST"));

        // Read back with the harness's own key: the video is whole.
        await new TusHttp(Server).AssertDownloadsAsync(result.Url, file);
    }

    [Fact]
    public async Task Without_a_credential_the_client_fails_on_its_first_request_with_401_authentication_required()
    {
        var file = await RandomFile.CreateAsync(gateway.Combine("anonymous.bin"), 64 * 1024, seed: 3_0004);

        var run = await new TusJsClient(Server).TryUploadAsync(file, "whole", "anonymous.mp4");

        AssertRefusedAtCreation(run, "authentication_required");
    }

    [Fact]
    public async Task With_a_wrong_key_the_client_fails_with_401_invalid_credentials()
    {
        var file = await RandomFile.CreateAsync(gateway.Combine("wrong-key.bin"), 64 * 1024, seed: 3_0005);
        var client = new TusJsClient(Server, new Dictionary<string, string> { ["Authorization"] = "Bearer " + AccessKeys.NewSecret() });

        var run = await client.TryUploadAsync(file, "whole", "wrong-key.mp4");

        AssertRefusedAtCreation(run, "invalid_credentials");
    }

    /// <summary>tus-js-client reports the refused POST (a 4xx is not retried) and exits 1.</summary>
    private void AssertRefusedAtCreation(ClientRun run, string code)
    {
        var context = $"{run.Describe()}\n{new TusJsClient(Server).ServerOutput}";
        Assert.True(run.ExitCode == 1, "expected exit code 1\n" + context);
        Assert.Contains("method: POST", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("response code: 401", run.Stderr, StringComparison.Ordinal);
        Assert.Contains($"urn:orleans-uploads:problem:{code}", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("retry", run.Stderr, StringComparison.Ordinal);
    }
}
