// Why this file exists: the uploader's main promise, end to end against a real gateway: a 100 MiB file pushed by the
// CLI comes back byte for byte (sha256) through `get`, and `get` resumes a partial download with Range.

using System.Net.Http.Json;
using System.Text.Json;
using Orleans.Uploads.Client.Tests.Support;

namespace Orleans.Uploads.Client.Tests.Cli;

public sealed class PushAndGetTests(ClientGatewayFixture gateway) : IClassFixture<ClientGatewayFixture>
{
    [Fact]
    public async Task A_pushed_100_MiB_file_downloads_with_the_same_sha256_and_a_partial_download_resumes()
    {
        var folder = gateway.NewFolder();
        var source = Path.Combine(folder, "match.mp4");
        var sha256 = await VideoFile.WriteAsync(source, 100L * 1024 * 1024);
        var environment = CliEnvironment.For(gateway, folder);

        var push = await CliProcess.RunAsync(["push", source, "--project", "cli", "--parallel", "3", "--json"], environment);
        Assert.True(push.ExitCode == 0, push.Describe());
        var pushed = CliJson.Last(push);
        Assert.Equal(sha256, pushed.GetProperty("fileHash").GetString());
        Assert.Equal(pushed.GetProperty("totalChunks").GetInt32(), pushed.GetProperty("chunksSent").GetInt32());
        var videoId = pushed.GetProperty("videoId").GetString()!;

        var copy = Path.Combine(folder, "copy.mp4");
        var get = await CliProcess.RunAsync(["get", videoId, "-o", copy, "--json"], environment);
        Assert.True(get.ExitCode == 0, get.Describe());
        Assert.Equal(sha256, await VideoFile.Sha256Async(copy));

        // Half the file is there: get asks for the rest only.
        await using (var partial = new FileStream(copy, FileMode.Open))
        {
            partial.SetLength(40L * 1024 * 1024);
        }

        var resumed = await CliProcess.RunAsync(["get", videoId, "-o", copy, "--json"], environment);
        Assert.True(resumed.ExitCode == 0, resumed.Describe());
        Assert.Equal(40L * 1024 * 1024, CliJson.Last(resumed).GetProperty("resumedFrom").GetInt64());
        Assert.Equal(60L * 1024 * 1024, CliJson.Last(resumed).GetProperty("bytesReceived").GetInt64());
        Assert.Equal(sha256, await VideoFile.Sha256Async(copy));

        var list = await CliProcess.RunAsync(["list", "--project", "cli"], environment);
        Assert.True(list.ExitCode == 0, list.Describe());
        Assert.Contains(videoId, list.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upload_token_alone_pushes_into_the_upload_a_backend_started_and_downloads_it()
    {
        var folder = gateway.NewFolder();
        var source = Path.Combine(folder, "handed.mp4");
        var sha256 = await VideoFile.WriteAsync(source, 1024 * 1024, seed: 4);
        using var initiate = await gateway.Server.Api.SendInitiateAsync(new { filename = "handed.mp4", fileSize = 1024 * 1024, chunkSize = 262144, fileHash = sha256 });
        var started = await initiate.Content.ReadFromJsonAsync<JsonElement>();
        var uploadId = started.GetProperty("uploadId").GetString()!;
        var token = started.GetProperty("uploadToken").GetString()!;
        var environment = CliEnvironment.For(gateway, folder, apiKey: "");

        var push = await CliProcess.RunAsync(["push", source, "--upload-id", uploadId, "--upload-token", token, "--json"], environment);

        Assert.True(push.ExitCode == 0, push.Describe());
        Assert.Equal((uploadId, 4), (CliJson.Last(push).GetProperty("uploadId").GetString(), CliJson.Last(push).GetProperty("chunksSent").GetInt32()));
        var copy = Path.Combine(folder, "copy.mp4");
        var get = await CliProcess.RunAsync(["get", CliJson.Last(push).GetProperty("videoId").GetString()!, "-o", copy, "--upload-token", token], environment);
        Assert.True(get.ExitCode == 0, get.Describe());
        Assert.Equal(sha256, await VideoFile.Sha256Async(copy));
    }

    [Fact]
    public async Task A_folder_pushes_every_file_in_it()
    {
        var folder = gateway.NewFolder();
        var videos = Directory.CreateDirectory(Path.Combine(folder, "videos")).FullName;
        var first = await VideoFile.WriteAsync(Path.Combine(videos, "a.mp4"), 3 * 1024 * 1024, seed: 2);
        var second = await VideoFile.WriteAsync(Path.Combine(videos, "b.mkv"), 2 * 1024 * 1024, seed: 3);

        var push = await CliProcess.RunAsync(["push", videos, "--json"], CliEnvironment.For(gateway, folder));

        Assert.True(push.ExitCode == 0, push.Describe());
        var hashes = push.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("fileHash").GetString()!)
            .ToArray();
        Assert.Equal([first, second], hashes);
    }
}
