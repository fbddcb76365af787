using System.Globalization;
using System.Net;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.EndToEnd.Tests.Ietf;

/// <summary>Offset retrieval per the draft, as a test checks the server after a client ran: HEAD with the interop version, 204.</summary>
public sealed record IetfHead(long Offset, bool Complete, long? Length)
{
    public static async Task<IetfHead> OfAsync(GatewayServer server, string uploadUrl, int interop)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, new Uri(server.BaseAddress, uploadUrl));
        request.Headers.Add("Upload-Draft-Interop-Version", interop.ToString(CultureInfo.InvariantCulture));
        using var response = await server.Http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"HEAD {uploadUrl}: expected 204, got {(int)response.StatusCode}\n{server.Process.Output}");
        string? Header(string name) => response.Headers.TryGetValues(name, out var values) ? values.Single() : null;
        return new IetfHead(
            long.Parse(Header("Upload-Offset")!, CultureInfo.InvariantCulture),
            Header("Upload-Complete") == "?1",
            Header("Upload-Length") is { } length ? long.Parse(length, CultureInfo.InvariantCulture) : null);
    }
}
