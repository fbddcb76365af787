// Why this file exists: how every request is built (credentials) and how every answer is read (typed exceptions).
// Hazard: transient failures are retried by the resilience handler below this class; anything that reaches here
// after that is final, so a network failure becomes UploadUnavailableException, never a raw HttpRequestException.

using System.Net.Http.Headers;
using System.Net.Http.Json;
using Orleans.Uploads.Client.Api;
using Orleans.Uploads.Client.Errors;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Orleans.Uploads.Client;

public sealed partial class UploadClient
{
    public const string UploadTokenHeader = "X-Upload-Token";
    public const string ChunkHashHeader = "X-Chunk-Hash";

    /// <summary>A request with the caller's credential: the API key as a bearer, else the upload token.</summary>
    private HttpRequestMessage NewRequest(HttpMethod method, string path, string? uploadToken)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (!string.IsNullOrEmpty(_options.ApiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        }
        else if (!string.IsNullOrEmpty(uploadToken))
        {
            request.Headers.TryAddWithoutValidation(UploadTokenHeader, uploadToken);
        }

        return request;
    }

    /// <summary>Sends, and throws the typed exception for anything but a success.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new UploadUnavailableException("network", null, $"cannot reach {_http.BaseAddress}: {ex.Message}", ex);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new UploadUnavailableException("timeout", null, $"{request.Method} {request.RequestUri} timed out", ex);
        }
        catch (BrokenCircuitException ex)
        {
            throw new UploadUnavailableException("unavailable", null, $"too many failures talking to {_http.BaseAddress}; not trying for a while", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new UploadUnavailableException("timeout", null, $"{request.Method} {request.RequestUri} timed out", ex);
        }

        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await ProblemReader.ToExceptionAsync(response, cancellationToken);
            }
        }

        return response;
    }

    private async Task<T> SendJsonAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            return await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, cancellationToken)
                ?? throw new UploadUnavailableException("invalid_response", (int)response.StatusCode, $"{request.RequestUri} answered JSON null");
        }
    }

    private Task<T> GetJsonAsync<T>(string path, string? uploadToken, CancellationToken cancellationToken) =>
        SendJsonAsync<T>(NewRequest(HttpMethod.Get, path, uploadToken), cancellationToken);
}
