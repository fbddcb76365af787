// Why this file exists: the client's failures carry the real gateway's problem code and status, in the exception class
// a caller branches on (refused, credentials), and an upload token alone can send into an upload a backend started.

using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Uploads.Client.Errors;
using Orleans.Uploads.Client.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Client.Tests.Library;

public sealed class TypedExceptionTests(ClientGatewayFixture gateway) : IClassFixture<ClientGatewayFixture>
{
    [Fact]
    public async Task A_refused_file_type_is_an_UploadRefusedException_with_the_server_code()
    {
        await using var services = Client(gateway.Keys.ApiKey);

        var failure = await Assert.ThrowsAsync<UploadRefusedException>(() =>
            services.GetRequiredService<UploadClient>().UploadAsync(new MemoryStream(new byte[1000]), "notes.txt"));

        Assert.Equal(("unsupported_file_type", 415), (failure.Code, failure.Status));
        Assert.False(string.IsNullOrEmpty(failure.Detail));
    }

    [Fact]
    public async Task An_unknown_key_is_an_UploadCredentialsException_with_invalid_credentials()
    {
        await using var services = Client(AccessKeys.NewSecret());

        var failure = await Assert.ThrowsAsync<UploadCredentialsException>(() => services.GetRequiredService<UploadClient>().GetStatusAsync(Guid.NewGuid()));

        Assert.Equal(("invalid_credentials", 401), (failure.Code, failure.Status));
    }

    [Fact]
    public async Task An_unknown_upload_is_refused_with_upload_not_found()
    {
        await using var services = Client(gateway.Keys.ApiKey);

        var failure = await Assert.ThrowsAsync<UploadRefusedException>(() => services.GetRequiredService<UploadClient>().GetStatusAsync(Guid.NewGuid()));

        Assert.Equal(("upload_not_found", 404), (failure.Code, failure.Status));
    }

    [Fact]
    public async Task An_upload_token_alone_sends_into_the_upload_a_backend_started()
    {
        var folder = gateway.NewFolder();
        var path = Path.Combine(folder, "handed.mp4");
        var sha256 = await VideoFile.WriteAsync(path, 300_000, seed: 5);
        using var initiate = await gateway.Server.Api.SendInitiateAsync(new { filename = "handed.mp4", fileSize = 300_000, chunkSize = 65536, fileHash = sha256 });
        var started = await initiate.Content.ReadFromJsonAsync<JsonElement>();
        await using var services = Client(apiKey: null, uploadToken: started.GetProperty("uploadToken").GetString());

        var result = await services.GetRequiredService<UploadClient>().UploadFileAsync(path, new UploadOptions { UploadId = started.GetProperty("uploadId").GetGuid() });

        Assert.Equal((5, sha256), (result.ChunksSent, result.Video.FileHash));
    }

    private ServiceProvider Client(string? apiKey, string? uploadToken = null)
    {
        var services = new ServiceCollection();
        services.AddUploadClient(options =>
        {
            options.ServerUrl = gateway.Server.BaseAddress;
            options.ApiKey = apiKey;
            options.UploadToken = uploadToken;
            options.ResumeStorePath = null;
            options.RetryDelay = TimeSpan.FromMilliseconds(10);
        });
        return services.BuildServiceProvider();
    }
}
