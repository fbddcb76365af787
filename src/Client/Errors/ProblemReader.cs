// Why this file exists: one place turns a non-success HTTP answer into the typed exception of its class.

using System.Net.Http.Json;
using System.Text.Json;
using Orleans.Uploads.Client.Api;

namespace Orleans.Uploads.Client.Errors;

internal static class ProblemReader
{
    /// <summary>Reads the problem body (or makes one from the status) and picks the exception class for it.</summary>
    public static async Task<UploadClientException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        ProblemBody? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync<ProblemBody>(ApiJson.Options, cancellationToken);
        }
        catch (JsonException)
        {
        }
        catch (NotSupportedException)
        {
            // Not JSON at all (a proxy's HTML page): the status speaks alone.
        }

        var code = problem?.Code ?? $"http_{status}";
        var detail = problem?.Detail ?? problem?.Title ?? response.ReasonPhrase ?? "no detail";
        return Classify(code, status, detail);
    }

    public static UploadClientException Classify(string code, int status, string detail) => status switch
    {
        401 or 403 => new UploadCredentialsException(code, status, detail),
        408 or 429 => new UploadUnavailableException(code, status, detail),
        507 when code == "insufficient_storage" => new UploadUnavailableException(code, status, detail),
        >= 500 and not 507 => new UploadUnavailableException(code, status, detail),
        _ => new UploadRefusedException(code, status, detail),
    };
}
