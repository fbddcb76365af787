// Why this file exists: a credential that reaches a log is leaked to everyone who reads logs. This sends every kind of
// credential the gateway takes (right and wrong API keys, a JWT and a forged one, upload tokens good and forged, in the
// X-Upload-Token header and in ?access_token=) to the built gateway with its default logging (ASP.NET Core at Information),
// and then searches all it printed, start to stop, for any of them or for the keys it was configured with.

using System.Net;
using System.Net.Http.Headers;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.EndToEnd.Tests.Access;

/// <summary>No secret a gateway is configured with or sent appears in its output.</summary>
public sealed class SecretLoggingTests
{
    [Fact]
    public async Task No_key_JWT_or_upload_token_sent_or_configured_appears_in_the_gateway_output()
    {
        using var directory = new TempDirectory("uploads-secrets");
        var keys = AccessKeys.Generate();
        var jwts = new Jwts();
        // Default logging: everything at Information, ASP.NET Core's request lines included. Only Orleans' runtime and
        // Polly are lowered to Warning, as appsettings.json ships them: they never see a credential, and their start-up
        // report alone would push the first lines out of the output ServerProcess keeps. The gateway's own categories
        // (Orleans.Uploads.*) stay at Information.
        var environment = new Dictionary<string, string>(jwts.GatewayEnvironment)
        {
            ["Logging__LogLevel__Orleans"] = "Warning",
            ["Logging__LogLevel__Orleans.Uploads"] = "Information",
            ["Logging__LogLevel__Polly"] = "Warning",
        };
        var server = await GatewayServer.StartAsync(directory.Path, environment: environment, access: keys);
        var secrets = new Dictionary<string, string>
        {
            ["API key"] = keys.ApiKey,
            ["upload-token signing key"] = keys.TokenSigningKey,
            ["JWT signing key"] = jwts.SigningKey,
        };
        string output;
        await using (server)
        {
            var wrongKey = AccessKeys.NewSecret();
            var jwt = jwts.Mint(new[] { "*" });
            var forgedJwt = jwts.Mint(new[] { "*" }, signingKey: AccessKeys.NewSecret());
            secrets["wrong API key"] = wrongKey;
            secrets["JWT"] = jwt;
            secrets["JWT signature"] = Signature(jwt);
            secrets["forged JWT"] = forgedJwt;

            // The right key creates an upload and sends its one chunk; so does the JWT; the wrong key and the forged JWT are refused.
            using var http = AccessHttp.Client(server, keys.ApiKey);
            var upload = await AccessHttp.InitiateAsync(http, server, 10, "secret.mp4");
            using (var stored = await AccessHttp.PutChunkAsync(http, upload.UploadId, 0, VideoHeaders.For(".mp4")[..10]))
            {
                await AccessHttp.ExpectAsync(stored, HttpStatusCode.OK, "PUT chunk 0", server);
            }

            using (var withJwt = AccessHttp.Client(server, jwt))
            {
                await AccessHttp.InitiateAsync(withJwt, server, 10, "jwt.mp4");
            }

            foreach (var (what, bearer) in new[] { ("wrong key", wrongKey), ("forged JWT", forgedJwt) })
            {
                using var refused = AccessHttp.Client(server, bearer);
                await AccessHttp.AssertProblemAsync(
                    refused, AccessHttp.Request(HttpMethod.Get, $"/api/uploads/{upload.UploadId}"), HttpStatusCode.Unauthorized, "invalid_credentials", server, what);
            }

            // The upload token, good and forged, in the header and in the query.
            var token = upload.UploadToken;
            var forged = AccessHttp.Forge(token);
            secrets["upload token"] = token;
            secrets["upload token signature"] = Signature(token);
            secrets["forged upload token"] = forged;
            using var anonymous = AccessHttp.Client(server);
            await AccessHttp.AssertStatusAsync(anonymous, AccessHttp.Request(HttpMethod.Get, $"/api/uploads/{upload.UploadId}", token), HttpStatusCode.OK, server);
            await AccessHttp.AssertProblemAsync(
                anonymous, AccessHttp.Request(HttpMethod.Get, $"/api/uploads/{upload.UploadId}", forged), HttpStatusCode.Unauthorized, "invalid_credentials", server);
            foreach (var route in new[] { $"/api/videos/{upload.UploadId}/content", $"/files/{upload.UploadId:N}" })
            {
                await AccessHttp.AssertStatusAsync(anonymous, AccessHttp.Request(HttpMethod.Get, $"{route}?access_token={token}"), HttpStatusCode.OK, server);
                await AccessHttp.AssertProblemAsync(
                    anonymous, AccessHttp.Request(HttpMethod.Get, $"{route}?access_token={forged}"), HttpStatusCode.Unauthorized, "invalid_credentials", server);
            }

            // The progress socket's handshake, refused as a plain GET after authentication: the query was read.
            await AccessHttp.AssertProblemAsync(
                anonymous, AccessHttp.Request(HttpMethod.Get, $"/api/uploads/{upload.UploadId}/ws?access_token={token}"), HttpStatusCode.BadRequest, "websocket_required", server);

            // A malformed Authorization carrying the key in another scheme.
            using (var basic = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/uploads/{upload.UploadId}", UriKind.Relative)))
            {
                basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", keys.ApiKey);
                await AccessHttp.AssertProblemAsync(anonymous, basic, HttpStatusCode.Unauthorized, "invalid_credentials", server);
            }

            // Everything it printed, up to its end.
            await server.Process.StopAsync();
            output = server.Process.Output;
        }

        // The whole output was kept (its first line is there), and ASP.NET Core logged each request: there was something to search.
        Assert.Contains("Access control is on", output, StringComparison.Ordinal);
        Assert.Contains("Executing endpoint", output, StringComparison.Ordinal);
        var leaked = secrets.Where(secret => output.Contains(secret.Value, StringComparison.Ordinal)).Select(secret => secret.Key).ToList();
        Assert.True(leaked.Count == 0, $"the gateway printed: {string.Join(", ", leaked)}\n{output}");
    }

    private static string Signature(string token) => token[(token.LastIndexOf('.') + 1)..];
}
