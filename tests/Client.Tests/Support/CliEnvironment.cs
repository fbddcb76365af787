// Why this file exists: what every uploader run of a test gets: the fixture's gateway, its API key (in the
// environment, never argv) and a resume store inside the test's own folder (nothing written outside temp dirs).

namespace Orleans.Uploads.Client.Tests.Support;

public static class CliEnvironment
{
    public static Dictionary<string, string> For(ClientGatewayFixture gateway, string folder, string? apiKey = null) => new()
    {
        ["ORLEANS_UPLOADS_SERVER"] = gateway.Server.BaseAddress.ToString(),
        ["ORLEANS_UPLOADS_API_KEY"] = apiKey ?? gateway.Keys.ApiKey,
        ["ORLEANS_UPLOADS_RESUME_STORE"] = Path.Combine(folder, "resume.json"),
        ["NO_COLOR"] = "1",
    };
}
