using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Orleans.Uploads.Harness;

/// <summary>
/// What the harness's HTTP clients share: the HttpClient they are given (its base address is one gateway), a name for
/// messages, and how an answer is checked: the expected status or an <see cref="UnexpectedResponseException"/> that
/// quotes the body and the end of the server's output.
/// </summary>
public abstract class ApiClient(HttpClient http, string name, Func<string>? serverOutput)
{
    /// <summary>How the API's JSON is read and written: camelCase, as ASP.NET Core's web defaults.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    public HttpClient Http => http;

    /// <summary>Which gateway this client talks to, as messages and answers name it.</summary>
    public string Name => name;

    /// <summary>Throws unless <paramref name="response"/> has <paramref name="expected"/>; reads the body only then.</summary>
    public async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        if (response.StatusCode != expected)
        {
            throw await UnexpectedAsync(response, $"expected {(int)expected} {expected}", what);
        }
    }

    /// <summary>Throws unless <paramref name="response"/> is a 2xx; reads the body only then.</summary>
    public async Task ExpectSuccessAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await UnexpectedAsync(response, "expected success", what);
        }
    }

    /// <summary>The body as <typeparamref name="T"/>, once the status is <paramref name="expected"/>.</summary>
    public async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected, string what, CancellationToken cancellationToken = default)
    {
        await ExpectAsync(response, expected, what);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
            ?? throw new UnexpectedResponseException($"{what} through {Name}: the body was JSON null", response.StatusCode, "null");
    }

    /// <summary>The last lines the server printed, for failure messages; empty when this client was not told the server.</summary>
    public string ServerOutputTail(int lines = 40) => serverOutput is null
        ? ""
        : $"\n--- {Name} output (last {lines} lines) ---\n" + string.Join(Environment.NewLine, serverOutput().Split(Environment.NewLine).TakeLast(lines));

    protected static Uri Relative(string path) => new(path, UriKind.Relative);

    private async Task<UnexpectedResponseException> UnexpectedAsync(HttpResponseMessage response, string expectation, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        return new UnexpectedResponseException(
            $"{what} through {Name}: {expectation}, got {(int)response.StatusCode} {response.StatusCode}: {body}{ServerOutputTail()}", response.StatusCode, body);
    }
}
