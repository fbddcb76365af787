// Why this file exists: scripts rely on the uploader's exit codes and messages (src/Cli/README.md): a server refusal
// is 2 with the server's problem code, a credential problem 3, an unreachable server 4, a usage error 1.

using Orleans.Uploads.Client.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Client.Tests.Cli;

public sealed class RefusalTests(ClientGatewayFixture gateway) : IClassFixture<ClientGatewayFixture>
{
    [Fact]
    public async Task A_file_type_the_server_refuses_exits_2_with_unsupported_file_type()
    {
        var folder = gateway.NewFolder();
        var notes = Path.Combine(folder, "notes.txt");
        await File.WriteAllTextAsync(notes, "not a video");

        var run = await CliProcess.RunAsync(["push", notes, "--json"], CliEnvironment.For(gateway, folder));

        AssertFailure(run, 2, "unsupported_file_type");
        Assert.Equal(415, CliJson.Last(run).GetProperty("error").GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_file_over_the_size_limit_exits_2_with_file_too_large()
    {
        var folder = gateway.NewFolder();
        var large = Path.Combine(folder, "large.mp4");
        await using (var file = File.Create(large))
        {
            // Sparse: the size is what the server judges.
            file.Write(VideoHeaders.For(".mp4"));
            file.SetLength(ClientGatewayFixture.MaxFileSize + 1);
        }

        AssertFailure(await CliProcess.RunAsync(["push", large], CliEnvironment.For(gateway, folder)), 2, "file_too_large");
    }

    [Fact]
    public async Task A_wrong_api_key_exits_3_with_invalid_credentials()
    {
        var folder = gateway.NewFolder();
        var video = Path.Combine(folder, "v.mp4");
        await VideoFile.WriteAsync(video, 100_000);

        AssertFailure(await CliProcess.RunAsync(["push", video], CliEnvironment.For(gateway, folder, apiKey: AccessKeys.NewSecret())), 3, "invalid_credentials");
    }

    [Fact]
    public async Task No_credential_exits_3_with_authentication_required()
    {
        var folder = gateway.NewFolder();

        AssertFailure(await CliProcess.RunAsync(["status", Guid.NewGuid().ToString()], CliEnvironment.For(gateway, folder, apiKey: "")), 3, "authentication_required");
    }

    [Fact]
    public async Task An_unknown_upload_exits_2_with_upload_not_found()
    {
        var folder = gateway.NewFolder();

        AssertFailure(await CliProcess.RunAsync(["cancel", Guid.NewGuid().ToString()], CliEnvironment.For(gateway, folder)), 2, "upload_not_found");
    }

    [Fact]
    public async Task An_unreachable_server_exits_4()
    {
        var folder = gateway.NewFolder();
        var environment = CliEnvironment.For(gateway, folder);
        environment["ORLEANS_UPLOADS_SERVER"] = $"http://127.0.0.1:{FreePort.Next()}";

        AssertFailure(await CliProcess.RunAsync(["status", Guid.NewGuid().ToString(), "--retries", "0"], environment), 4, "network");
    }

    [Fact]
    public async Task A_missing_file_or_a_malformed_id_exits_1()
    {
        var folder = gateway.NewFolder();
        var environment = CliEnvironment.For(gateway, folder);

        AssertFailure(await CliProcess.RunAsync(["push", Path.Combine(folder, "absent.mp4")], environment), 1, "absent.mp4");
        var malformed = await CliProcess.RunAsync(["status", "not-a-guid"], environment);
        Assert.True(malformed.ExitCode == 1, malformed.Describe());
    }

    private static void AssertFailure(CliRun run, int exitCode, string code)
    {
        Assert.True(run.ExitCode == exitCode, run.Describe());
        Assert.Contains(code, run.Stderr, StringComparison.Ordinal);
        Assert.StartsWith("error: ", run.Stderr, StringComparison.Ordinal);
    }
}
