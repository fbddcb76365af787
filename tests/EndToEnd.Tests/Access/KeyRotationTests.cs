// Why this file exists: keys are rotated by restarting gateways with new settings, on the same data. This restarts the
// built gateway on one data directory and one set of ports, three times, as an operator rotates: add the new key in
// front, keep the old one while it is still in use, then drop it. Tokens and API keys must keep working exactly as long
// as the key behind them is configured, and uploads in progress must survive the rotation.

using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Orleans.Uploads.Harness;
using Xunit.Abstractions;

namespace Orleans.Uploads.EndToEnd.Tests.Access;

/// <summary>Upload-token signing keys and API keys rotated across restarts of one gateway.</summary>
public sealed class KeyRotationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Old_tokens_and_keys_work_while_their_key_is_configured_and_get_401_once_it_is_dropped()
    {
        using var directory = new TempDirectory("uploads-rotation");
        var ports = GatewayPorts.Allocate();
        var (oldApiKey, newApiKey) = (AccessKeys.NewSecret(), AccessKeys.NewSecret());
        var (k1, k2) = (AccessKeys.NewSecret(), AccessKeys.NewSecret());
        var bytes = RandomNumberGenerator.GetBytes(3000);
        VideoHeaders.Stamp(bytes);
        CreatedUpload first;
        CreatedUpload second;

        // 1. API key [old], signing keys [k1]: an upload is created, its token signed with k1, a third of it sent.
        await using (var server = await StartAsync(directory, ports, [("old", oldApiKey)], [k1]))
        {
            using var backend = AccessHttp.Client(server, oldApiKey);
            first = await AccessHttp.CreateTusUploadAsync(backend, server, bytes.Length, "rotated.mp4");
            Assert.Equal(KeyId(k1), AccessHttp.JwtHeader(first.Token).GetProperty("kid").GetString());
            await PatchAsync(server, first, 0, bytes.AsMemory(0, 1000));
        }

        // 2. API keys [old, new], signing keys [k2, k1]: both keys work, the k1 token still opens its upload, new tokens are signed with k2.
        await using (var server = await StartAsync(directory, ports, [("old", oldApiKey), ("new", newApiKey)], [k2, k1]))
        {
            await AssertStatusAsync(server, oldApiKey, first.Id, HttpStatusCode.OK);
            await AssertStatusAsync(server, newApiKey, first.Id, HttpStatusCode.OK);

            Assert.Equal(1000, await HeadOffsetAsync(server, first));
            await PatchAsync(server, first, 1000, bytes.AsMemory(1000, 1000));

            using var backend = AccessHttp.Client(server, newApiKey);
            second = await AccessHttp.CreateTusUploadAsync(backend, server, bytes.Length, "after-rotation.mp4");
            Assert.Equal(KeyId(k2), AccessHttp.JwtHeader(second.Token).GetProperty("kid").GetString());
            Assert.Equal(0, await HeadOffsetAsync(server, second));
        }

        // 3. API key [new], signing keys [k2]: the old key and the k1 token are refused; the new ones still work.
        await using (var server = await StartAsync(directory, ports, [("new", newApiKey)], [k2]))
        {
            await AssertStatusAsync(server, oldApiKey, first.Id, HttpStatusCode.Unauthorized, "invalid_credentials");
            await AssertStatusAsync(server, newApiKey, first.Id, HttpStatusCode.OK);

            using var anonymous = AccessHttp.Client(server);
            await AccessHttp.AssertProblemAsync(
                anonymous, AccessHttp.Request(HttpMethod.Get, $"/api/uploads/{first.Id}", first.Token), HttpStatusCode.Unauthorized, "invalid_credentials", server, "the k1 token");
            using (var patch = Patch(first, 2000, bytes.AsMemory(2000), first.Token))
            {
                await AccessHttp.AssertProblemAsync(anonymous, patch, HttpStatusCode.Unauthorized, "invalid_credentials", server, "PATCH with the k1 token");
            }

            // The upload itself survived every restart: the new key's holder finishes it, and the k2 token sends all of the second.
            using var backend = AccessHttp.Client(server, newApiKey);
            using (var finish = Patch(first, 2000, bytes.AsMemory(2000), token: null))
            {
                await AccessHttp.AssertStatusAsync(backend, finish, HttpStatusCode.NoContent, server, "PATCH with the new API key");
            }

            var digest = Convert.ToHexStringLower(SHA256.HashData(bytes));
            Assert.Equal((bytes.Length, digest), await AccessHttp.DownloadAsync(backend, $"/api/videos/{first.Id}/content", server));

            await PatchAsync(server, second, 0, bytes);
            var (length, sha256) = await AccessHttp.DownloadAsync(anonymous, $"{second.Path}?access_token={Uri.EscapeDataString(second.Token)}", server);
            Assert.Equal((bytes.Length, digest), (length, sha256));
        }
    }

    private async Task<GatewayServer> StartAsync(TempDirectory directory, GatewayPorts ports, (string Name, string Key)[] apiKeys, string[] signingKeys)
    {
        var environment = new Dictionary<string, string>();
        for (var i = 0; i < apiKeys.Length; i++)
        {
            environment[$"Auth__ApiKeys__{i}__Name"] = apiKeys[i].Name;
            environment[$"Auth__ApiKeys__{i}__Key"] = apiKeys[i].Key;
            environment[$"Auth__ApiKeys__{i}__Projects__0"] = "*";
        }

        for (var i = 0; i < signingKeys.Length; i++)
        {
            environment[$"Auth__UploadTokens__SigningKeys__{i}"] = signingKeys[i];
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var server = await GatewayServer.StartAsync(directory.Path, ports, environment);
        output.WriteLine($"gateway with API keys [{string.Join(", ", apiKeys.Select(k => k.Name))}] and {signingKeys.Length} signing key(s) healthy after {clock.Elapsed.TotalSeconds:F1}s");
        return server;
    }

    /// <summary>The key id the gateway gives a signing key (the first 8 bytes of its sha256, hex), which a token's header names.</summary>
    private static string KeyId(string signingKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(signingKey)).AsSpan(0, 8));

    private static async Task AssertStatusAsync(GatewayServer server, string apiKey, Guid uploadId, HttpStatusCode status, string? code = null)
    {
        using var http = AccessHttp.Client(server, apiKey);
        var request = AccessHttp.Request(HttpMethod.Get, $"/api/uploads/{uploadId}");
        if (code is null)
        {
            await AccessHttp.AssertStatusAsync(http, request, status, server, "status");
        }
        else
        {
            await AccessHttp.AssertProblemAsync(http, request, status, code, server, "status");
        }
    }

    /// <summary>HEAD with the upload's token as the only credential: its offset.</summary>
    private static async Task<long> HeadOffsetAsync(GatewayServer server, CreatedUpload upload)
    {
        using var http = AccessHttp.Client(server);
        using var request = AccessHttp.TusRequest(HttpMethod.Head, upload.Path, upload.Token);
        using var response = await http.SendAsync(request);
        await AccessHttp.ExpectAsync(response, HttpStatusCode.OK, "HEAD with the upload token", server);
        return long.Parse(response.Headers.GetValues("Upload-Offset").Single(), CultureInfo.InvariantCulture);
    }

    /// <summary>PATCH with the upload's token as the only credential, expected 204.</summary>
    private static async Task PatchAsync(GatewayServer server, CreatedUpload upload, long offset, ReadOnlyMemory<byte> bytes)
    {
        using var http = AccessHttp.Client(server);
        await AccessHttp.AssertStatusAsync(http, Patch(upload, offset, bytes, upload.Token), HttpStatusCode.NoContent, server, "PATCH with the upload token");
    }

    /// <summary>A tus PATCH of <paramref name="bytes"/> at <paramref name="offset"/>, with <paramref name="token"/> as X-Upload-Token when given.</summary>
    private static HttpRequestMessage Patch(CreatedUpload upload, long offset, ReadOnlyMemory<byte> bytes, string? token)
    {
        var request = AccessHttp.TusRequest(HttpMethod.Patch, upload.Path, token);
        request.Headers.Add("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
        request.Content = new ReadOnlyMemoryContent(bytes);
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/offset+octet-stream");
        return request;
    }
}
